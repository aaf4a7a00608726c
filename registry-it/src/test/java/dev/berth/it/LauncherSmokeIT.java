package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.berth.it.support.BerthProcess;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar starts on an ephemeral port, announces it, and serves the API. */
class LauncherSmokeIT {
  @TempDir
  Path data;

  @Test
  void startsAndServes() throws Exception {
    try (BerthProcess berth = BerthProcess.start("--storage", data.toString())) {
      RegistryClient client = new RegistryClient(berth.url());
      assertEquals(200, client.get("/v2/").status(), berth::output);
      client.pushFixtureImage("it/app", "v1");
      assertEquals(200, client.get("/v2/it/app/manifests/v1").status());
      // SLF4J set up on two threads at once (the warm-up's and the bind's) prints a three-line
      // "SLF4J(W): ... intercepted and are now being replayed" on every start.
      assertFalse(berth.output().contains("SLF4J"), berth::output);
    }
  }
}
