package dev.berth.registry.servlet.maintenance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import dev.berth.registry.Registry;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.servlet.Maintenance;
import dev.berth.registry.servlet.config.Settings;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Stopping while a scheduled collection runs (the launcher's SIGTERM, a servlet's destroy):
 * {@code Maintenance.close()} interrupts the collection, which stops at its next step and gives
 * its lease back before the registry and its storage close. Before, the collection ran on over a
 * closing storage, failed with "closed", and its lease stayed until it lapsed, so that another
 * instance's collections were skipped meanwhile.
 */
class StopDuringCollectionTest {

  @Test
  void closeStopsARunningCollectionAndItsLeaseIsFree() throws Exception {
    Storage shared = InMemoryStorage.create();
    Storage storage = spy(shared);
    // The collection's first listing waits (interruptibly, as a storage request does) until
    // the stop; then it answers and the collection goes on to its next step.
    CountDownLatch listing = new CountDownLatch(1);
    AtomicBoolean blocked = new AtomicBoolean();
    doAnswer(call -> {
      if (Thread.currentThread().getName().equals("berth-maintenance")
          && blocked.compareAndSet(false, true)) {
        listing.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return call.callRealMethod();
    }).when(storage).list(anyString(), any(), anyInt());
    Settings settings = new Settings().set("gc.interval", "50ms").set("gc.gracePeriod", "0s")
        .set("uploads.purgeInterval", "0s");
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    try (Registry registry = Registry.builder().storage(storage)
        .options(settings.registryOptions()).build()) {
      byte[] blob = "kept".getBytes(StandardCharsets.UTF_8);
      registry.uploads().putWhole(RepositoryName.parse("team/app"), Digest.sha256(blob),
          new ByteArrayInputStream(blob), blob.length);
      Maintenance maintenance = Maintenance.start(registry, settings, lines::add);
      assertTrue(listing.await(30, TimeUnit.SECONDS), "no collection started");
      maintenance.close();

      List<String> said = new ArrayList<>(lines);
      assertTrue(said.stream().anyMatch(l -> l.startsWith(
          "maintenance: stopped, the registry is closing (garbage collection stopped")),
          said.toString());
      assertTrue(said.stream().noneMatch(l -> l.contains("failed")), said.toString());
    }
    // The lease was given back: another instance collects at once.
    try (Registry other = Registry.builder().storage(shared).build()) {
      other.collectGarbage(GcOptions.defaults());
    }
  }
}
