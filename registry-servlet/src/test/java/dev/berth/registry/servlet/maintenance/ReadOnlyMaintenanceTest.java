package dev.berth.registry.servlet.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.registry.Registry;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.servlet.Maintenance;
import dev.berth.registry.servlet.config.Settings;
import dev.berth.registry.testing.TestClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The maintenance schedule pauses while the registry is read-only: an expired upload session
 * outlives several purge and GC runs, and goes at the first run after read-only mode ends.
 */
class ReadOnlyMaintenanceTest {

  @Test
  void purgingAndCollectingPauseWhileReadOnly() throws Exception {
    TestClock clock = TestClock.atSystemTime();
    Settings settings = new Settings().set("uploads.purgeInterval", "20ms")
        .set("gc.interval", "20ms").set("uploads.maxAge", "1h").set("gc.gracePeriod", "0s");
    RepositoryName repo = RepositoryName.parse("maintained/app");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    try (Registry registry = Registry.builder().inMemory().clock(clock)
        .options(settings.registryOptions()).build()) {
      String id = registry.uploads().start(repo).id();
      clock.advance(Duration.ofHours(2));
      registry.setReadOnly(true);
      try (Maintenance maintenance = Maintenance.start(registry, settings, lines::add)) {
        awaitLine(lines, "gc: skipped, the registry is read-only");
        awaitLine(lines, "gc: skipped, the registry is read-only");
        assertEquals(id, registry.uploads().status(repo, id).id(), "purged while read-only");

        registry.setReadOnly(false);
        // The purge or a collection (which also removes expired sessions), whichever runs first.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (uploadExists(registry, repo, id)) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("the expired upload outlived 30 s after read-only ended");
          }
          TimeUnit.MILLISECONDS.sleep(10); // polling a condition with a deadline, not a wait
        }
      }
      RegistryException gone = assertThrows(RegistryException.class,
          () -> registry.uploads().status(repo, id));
      assertEquals(ErrorCode.BLOB_UPLOAD_UNKNOWN, gone.code());
    }
  }

  private static boolean uploadExists(Registry registry, RepositoryName repo, String id) {
    try {
      registry.uploads().status(repo, id);
      return true;
    } catch (RegistryException e) {
      return false;
    }
  }

  /** Waits (up to 30 s) for a line starting with {@code start}, dropping the lines before it. */
  static void awaitLine(BlockingQueue<String> lines, String start) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> seen = new java.util.ArrayList<>();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(start)) {
        return;
      }
      if (line != null && seen.size() < 20) {
        seen.add(line); // the first lines say enough; every 20 ms run would make megabytes
      }
    }
    throw new AssertionError("no line '" + start + "' within 30 s; saw " + seen);
  }
}
