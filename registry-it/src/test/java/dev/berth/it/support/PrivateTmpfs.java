package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small tmpfs that only one process sees: {@code unshare} gives the command a mount namespace of
 * its own, {@code mount -t tmpfs -o size=...} puts the file system on a folder there, and the
 * command is executed in its place. Nothing is mounted on the host, and the tmpfs goes away with
 * the process. Root on the host may use {@code unshare -m}; others need a user namespace as well
 * ({@code unshare -rm}, where the kernel allows unprivileged ones). From outside, the process's
 * view of its files is {@code /proc/<pid>/root/<folder>}.
 */
public final class PrivateTmpfs {

  private static final String SCRIPT = "mount -t tmpfs -o size=\"$1\" tmpfs \"$0\" && shift"
      + " && exec \"$@\"";

  private final List<String> unshare;
  private final Path folder;
  private final String size;

  private PrivateTmpfs(List<String> unshare, Path folder, String size) {
    this.unshare = unshare;
    this.folder = folder;
    this.size = size;
  }

  /**
   * Finds the {@code unshare} flags that can mount a tmpfs here, trying each on a throwaway
   * namespace. When none can: the test is skipped, or fails under {@code BERTH_REQUIRE_PROGRAMS=1}
   * (scripts/test), with what each attempt said.
   *
   * @param size a tmpfs size, e.g. {@code 8m}
   */
  public static PrivateTmpfs require(Path folder, String size) {
    StringBuilder tried = new StringBuilder();
    if (Programs.available("unshare")) {
      for (List<String> flags : List.of(List.of("unshare", "-m"), List.of("unshare", "-rm"))) {
        List<String> probe = new ArrayList<>(flags);
        probe.addAll(List.of("sh", "-c", SCRIPT, folder.toString(), "1m", "sh", "-c",
            "test \"$(stat -f -c %T \"$0\")\" = tmpfs", folder.toString()));
        Programs.Result result = Programs.run(null, null, Duration.ofSeconds(30),
            probe.toArray(String[]::new));
        if (result.ok()) {
          return new PrivateTmpfs(flags, folder, size);
        }
        tried.append("\n  ").append(result);
      }
    } else {
      tried.append("\n  unshare (util-linux) is not installed");
    }
    String message = "cannot mount a tmpfs in a private mount namespace here (a container without"
        + " CAP_SYS_ADMIN, or user namespaces disabled):" + tried;
    if ("1".equals(System.getenv("BERTH_REQUIRE_PROGRAMS"))) {
      fail(message + "\nBERTH_REQUIRE_PROGRAMS=1 says that this run must not skip");
    }
    assumeTrue(false, message);
    throw new IllegalStateException("unreachable");
  }

  /** {@code command}, run with the tmpfs mounted on the folder. */
  public List<String> wrap(List<String> command) {
    List<String> out = new ArrayList<>(unshare);
    out.addAll(List.of("sh", "-c", SCRIPT, folder.toString(), size));
    out.addAll(command);
    return out;
  }

  /**
   * {@code command}, run in the mount namespace of the process {@code pid} (which sees the tmpfs):
   * {@code nsenter}, into its user namespace too when it has one of its own. There a user that is
   * not root keeps its credentials ({@code --preserve-credentials}): nsenter's own switch to the
   * namespace's root calls setgroups, which such a namespace refuses.
   */
  public List<String> enter(long pid, List<String> command) {
    List<String> out = new ArrayList<>(List.of("nsenter", "-t", Long.toString(pid)));
    if (unshare.contains("-rm")) {
      out.addAll(List.of("-U", "--preserve-credentials"));
    }
    out.add("-m");
    out.addAll(command);
    return out;
  }

  /** The flags that worked, e.g. {@code [unshare, -m]}. */
  public List<String> unshare() {
    return unshare;
  }

  /** The folder as the process {@code pid} sees it, with the tmpfs on it. */
  public Path seenBy(long pid) {
    return Path.of("/proc/" + pid + "/root").resolve(folder.toAbsolutePath().toString()
        .substring(1));
  }
}
