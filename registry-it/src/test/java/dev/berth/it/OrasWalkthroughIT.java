package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed walkthrough, for real: {@code examples/oras-walkthrough.sh} (curl, jq and openssl only)
 * against a launcher with filesystem storage. Any failing step fails this test with the script's
 * output.
 */
class OrasWalkthroughIT {

  @TempDir
  Path data;

  @Test
  void theSeedWalkthroughRunsUnchanged() throws Exception {
    for (String program : new String[] {"bash", "curl", "jq", "openssl"}) {
      Programs.require(program);
    }
    Path script = Path.of(System.getProperty("berth.repo", ".."), "examples",
        "oras-walkthrough.sh");
    try (BerthProcess berth = BerthProcess.start("--storage", data.toString())) {
      Programs.Result run = Programs.check(null, null, Duration.ofMinutes(2), "bash",
          script.toString(), berth.authority());
      assertTrue(run.output().contains("Verified OK"), run::toString);
      assertTrue(run.output().contains("Walkthrough complete"), run::toString);
      // Run twice: a second run against the same registry works too.
      Programs.check(null, null, Duration.ofMinutes(2), "bash", script.toString(),
          berth.authority());
    }
  }
}
