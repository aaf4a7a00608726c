package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed walkthrough, for real: {@code examples/oras-walkthrough.sh} (curl, jq and openssl only)
 * against a launcher with filesystem storage. Any failing step fails this test with the script's
 * output. The script works in a folder of its own under {@code TMPDIR} and removes it: it writes
 * nothing beside itself in {@code examples/} (whose files are committed) and leaves nothing behind.
 */
class OrasWalkthroughIT {

  @TempDir
  Path data;
  @TempDir
  Path tmp;

  @Test
  void theSeedWalkthroughRunsUnchanged() throws Exception {
    for (String program : new String[] {"bash", "curl", "jq", "openssl"}) {
      Programs.require(program);
    }
    Path examples = Path.of(System.getProperty("berth.repo", ".."), "examples");
    Path script = examples.resolve("oras-walkthrough.sh");
    Map<String, String> env = Map.of("TMPDIR", tmp.toString());
    List<String> examplesBefore = listing(examples);
    try (BerthProcess berth = BerthProcess.start("--storage", data.toString())) {
      // Run from examples/, where a script writing in its working folder would leave files.
      Programs.Result run = Programs.check(examples, env, Duration.ofMinutes(2), "bash",
          script.toString(), berth.authority());
      assertTrue(run.output().contains("Verified OK"), run::toString);
      assertTrue(run.output().contains("Walkthrough complete"), run::toString);
      // Run twice: a second run against the same registry works too.
      Programs.check(examples, env, Duration.ofMinutes(2), "bash", script.toString(),
          berth.authority());
    }
    assertEquals(examplesBefore, listing(examples), "the walkthrough wrote into examples/");
    assertEquals(List.of(), listing(tmp), "the walkthrough left its work folder behind");
  }

  /** Every file under {@code dir}, relative, sorted. */
  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted()
          .toList();
    }
  }
}
