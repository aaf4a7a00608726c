package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs external programs and fails with their own output when they fail. */
public final class Programs {
  private Programs() {}

  /** What a program did. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    @Override
    public String toString() {
      return String.join(" ", command) + " -> exit " + exitCode + "\n" + output;
    }
  }

  /**
   * Whether {@code program} is on the PATH, or in {@code /usr/sbin} or {@code /sbin} where Debian
   * puts some of them (runc) and a non-root PATH may not look.
   */
  public static boolean available(String program) {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(path == null ? List.of()
        : List.of(path.split(File.pathSeparator)));
    dirs.add("/usr/sbin");
    dirs.add("/sbin");
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Skips the calling test when {@code program} is genuinely absent. Under {@code scripts/test}
   * (and so {@code .ci/run}), which installs every program first, {@code BERTH_REQUIRE_PROGRAMS=1}
   * turns an absent program into a failure: there nothing may skip.
   */
  public static void require(String program) {
    if (!available(program)) {
      skip(program + " is not installed; scripts/test (.ci/run) installs it");
    }
  }

  /** Whether this run must not skip ({@code BERTH_REQUIRE_PROGRAMS=1}, set by scripts/test). */
  public static boolean skipsForbidden() {
    return "1".equals(System.getenv("BERTH_REQUIRE_PROGRAMS"));
  }

  /**
   * Ends the calling test without a verdict, for {@code reason}; a failure with the reason instead
   * when {@link #skipsForbidden()}. Every skip in the client and process tests goes through here.
   */
  public static void skip(String reason) {
    if (skipsForbidden()) {
      fail(reason + ", and BERTH_REQUIRE_PROGRAMS=1 says that this run must not skip");
    }
    abort(reason);
  }

  /** {@link #skip} unless {@code condition} holds. */
  public static void skipUnless(boolean condition, String reason) {
    if (!condition) {
      skip(reason);
    }
  }

  /** Runs a command, output and errors merged, and returns whatever happened. */
  public static Result run(Path workDir, Map<String, String> env, Duration timeout,
      String... command) {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    if (env != null) {
      pb.environment().putAll(env);
    }
    try {
      Path log = Files.createTempFile("berth-prog", ".log");
      pb.redirectOutput(log.toFile());
      Process p = pb.start();
      boolean finished = awaitOrKill(p, timeout);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      return new Result(List.of(command), finished ? p.exitValue() : -1,
          finished ? output : output + "\n[timed out after " + timeout + "]");
    } catch (IOException e) {
      return new Result(List.of(command), -2, "could not start: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits up to {@code timeout} for {@code process}; past it, kills the process and everything it
   * started. Returns whether it finished in time.
   */
  public static boolean awaitOrKill(Process process, Duration timeout)
      throws InterruptedException {
    if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return true;
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    return false;
  }

  public static Result run(String... command) {
    return run(null, null, Duration.ofMinutes(5), command);
  }

  /** Runs a command and fails the test, with the program's output, unless it exits 0. */
  public static Result check(Path workDir, Map<String, String> env, Duration timeout,
      String... command) {
    Result r = run(workDir, env, timeout, command);
    if (!r.ok()) {
      fail("command failed: " + r);
    }
    return r;
  }

  public static Result check(String... command) {
    return check(null, null, Duration.ofMinutes(5), command);
  }

  public static List<String> list(String... parts) {
    return new ArrayList<>(List.of(parts));
  }
}
