package dev.berth.registry.servlet.maintenance;

import static dev.berth.registry.servlet.maintenance.ReadOnlyMaintenanceTest.awaitLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.Registry;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.servlet.Maintenance;
import dev.berth.registry.servlet.config.Settings;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * Two instances over one storage: while the other holds the GC lease, a scheduled collection is
 * skipped and said to be (no "maintenance task failed"), and the schedule collects again once the
 * lease is given up.
 */
class LeaseHeldMaintenanceTest {

  @Test
  void aLeaseHeldByAnotherInstanceSkipsTheTurnQuietly() throws Exception {
    Storage shared = InMemoryStorage.create();
    Settings settings = new Settings().set("gc.interval", "20ms").set("gc.gracePeriod", "0s")
        .set("uploads.purgeInterval", "0s");
    // The other instance's collection, as GcLease writes it: an owner and an expiry well ahead.
    String other = "other-host pid 7 collection 0badc0de";
    byte[] lease = ("{\"owner\":\"" + other + "\",\"expires\":\""
        + Instant.now().plusSeconds(3600) + "\"}").getBytes(StandardCharsets.UTF_8);
    shared.write(StoragePaths.gcLease(1), lease, false);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    try (Registry registry = Registry.builder().storage(shared)
        .options(settings.registryOptions()).build()) {
      try (Maintenance maintenance = Maintenance.start(registry, settings, lines::add)) {
        awaitLine(lines, "gc: skipped, another collection holds the lease (" + other);
        awaitLine(lines, "gc: skipped, another collection holds the lease (" + other);
        List<String> all = new java.util.ArrayList<>(lines);
        assertTrue(all.stream().noneMatch(l -> l.contains("failed")), all.toString());

        // The other instance finishes: the next turn collects.
        shared.delete(StoragePaths.gcLease(1));
        awaitCollection(lines);
      }
      // The lease is free again after the schedule's collections.
      assertEquals(0, registry.collectGarbage(GcOptions.defaults()).manifestsRemoved()
          .size());
    }
  }

  /** Waits (up to 30 s) for a collection's summary; skips queued before the release pass. */
  private static void awaitCollection(BlockingQueue<String> lines) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    List<String> seen = new java.util.ArrayList<>();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith("gc: removed")) {
        return;
      }
      if (line != null) {
        seen.add(line);
      }
    }
    throw new AssertionError("no collection within 30 s after the lease was given up: " + seen);
  }
}
