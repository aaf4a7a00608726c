package dev.berth.registry.auth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real programs a test compares against (htpasswd, keytool). */
public final class Programs {
  private Programs() {}

  /**
   * Skips the calling test when {@code program} is absent; under {@code scripts/test}, which
   * installs every program and sets {@code BERTH_REQUIRE_PROGRAMS=1}, fails instead.
   */
  public static void require(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return;
      }
    }
    String message = program + " is not installed; scripts/test installs it";
    if ("1".equals(System.getenv("BERTH_REQUIRE_PROGRAMS"))) {
      fail(message + ", and BERTH_REQUIRE_PROGRAMS=1 says that this run must not skip");
    }
    assumeTrue(false, message);
  }

  /** Runs {@code command}, fails the test unless it exits 0, and returns its standard output. */
  public static String run(List<String> command) {
    try {
      Path err = Files.createTempFile("berth-auth-prog", ".err");
      Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(command + " did not finish in 60 s");
      }
      String errors = Files.readString(err);
      Files.delete(err);
      assertEquals(0, p.exitValue(), () -> command + " failed:\n" + out + errors);
      return out;
    } catch (IOException e) {
      throw new AssertionError(command + " could not run", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
