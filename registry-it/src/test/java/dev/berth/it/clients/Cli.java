package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.Programs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a client program with its standard output kept apart from its standard error, so that
 * byte-exact output ({@code skopeo inspect --raw}) can be compared while warnings still reach the
 * failure message. {@link dev.berth.it.support.Programs} merges the two streams, which is right
 * for everything else; both wait and kill alike ({@link Programs#awaitOrKill}).
 */
final class Cli {
  private Cli() {}

  static final Duration TIMEOUT = Duration.ofMinutes(3);

  /** What a program did: exit code, raw stdout, stderr as text. */
  record Out(List<String> command, int exitCode, byte[] stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    String text() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Everything the program printed, for failure messages and output assertions. */
    String all() {
      return text() + (stderr.isEmpty() ? "" : "\n[stderr]\n" + stderr);
    }

    @Override
    public String toString() {
      return String.join(" ", command) + " -> exit " + exitCode + "\n" + all();
    }
  }

  static Out run(Path workDir, Map<String, String> env, Duration timeout, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    if (env != null) {
      pb.environment().putAll(env);
    }
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("berth-cli", ".out");
      err = Files.createTempFile("berth-cli", ".err");
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      Process p = pb.start();
      boolean finished = Programs.awaitOrKill(p, timeout);
      byte[] stdout = Files.readAllBytes(out);
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      return new Out(List.copyOf(command), finished ? p.exitValue() : -1, stdout,
          finished ? stderr : stderr + "\n[timed out after " + timeout + "]");
    } catch (IOException e) {
      return new Out(List.copyOf(command), -2, new byte[0], "could not start: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  /** Runs and fails the test with the program's own output unless it exits 0. */
  static Out check(Path workDir, Map<String, String> env, List<String> command) {
    Out r = run(workDir, env, TIMEOUT, command);
    if (!r.ok()) {
      fail("command failed: " + r);
    }
    return r;
  }

  static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(Arrays.asList(tail));
    return all;
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // A temp file; the OS cleans up.
      }
    }
  }
}
