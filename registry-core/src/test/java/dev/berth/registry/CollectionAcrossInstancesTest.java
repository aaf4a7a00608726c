package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import dev.berth.registry.gc.CollectionInProgressException;
import dev.berth.registry.gc.GcListener;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Garbage collection with several instances over one storage, without HTTP: one collects at a
 * time (the lease), and a write on one instance never succeeds while a collection on another
 * deletes what it references (the announcements of {@link SweepIntents}). Each race is set up
 * at the exact step where it matters, through the storage.
 */
class CollectionAcrossInstancesTest {
  static final RepositoryName APP = RepositoryName.parse("app");
  static final GcOptions NOW = GcOptions.defaults().withGracePeriod(Duration.ZERO);

  final TestClock clock = TestClock.atSystemTime();
  final Storage storage = spy(InMemoryStorage.create(clock));
  final Registry a = Registry.builder().storage(storage).clock(clock).build();
  final Registry b = Registry.builder().storage(storage).clock(clock).build();

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Digest push(Registry registry, byte[] blob) {
    return push(registry, APP, blob);
  }

  static Digest push(Registry registry, RepositoryName repository, byte[] blob) {
    Digest d = Digest.sha256(blob);
    registry.uploads().putWhole(repository, d, new ByteArrayInputStream(blob), blob.length);
    return d;
  }

  static byte[] manifest(Digest layer, int size) {
    return utf8("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\""
        + Digest.EMPTY_JSON + "\",\"size\":2},\"layers\":[{\"mediaType\":"
        + "\"application/octet-stream\",\"digest\":\"" + layer + "\",\"size\":" + size + "}]}");
  }

  @Test
  void aCollectionTakesTheLeaseAndGivesItBack() {
    Digest stray = push(a, utf8("stray"));
    clock.advance(Duration.ofSeconds(1));

    GcReport report = b.collectGarbage(NOW);

    assertEquals(List.of(stray.toString()), report.blobsRemoved());
    assertEquals(List.of(), storage.list(StoragePaths.gcLeaseDirectory()), "lease given back");
    assertEquals(List.of(), storage.list(StoragePaths.gcSweepingDirectory()));
  }

  @Test
  void onlyOneCollectsAtATimeAndALapsedLeaseIsTakenOver() {
    Digest stray = push(a, utf8("stray"));
    clock.advance(Duration.ofSeconds(1));
    // Another instance's collection holds the lease (it was killed, say: nobody renews it).
    storage.write(StoragePaths.gcLease(41), utf8("{\"owner\":\"elsewhere pid 7\",\"expires\":\""
        + clock.instant().plus(GcLease.TERM) + "\"}"));

    CollectionInProgressException busy = assertThrows(CollectionInProgressException.class,
        () -> a.collectGarbage(NOW));
    assertEquals("elsewhere pid 7", busy.holder());
    assertTrue(storage.stat(StoragePaths.blobData(stray)).isPresent(), "nothing deleted");
    assertEquals(List.of(stray.toString()), a.collectGarbage(NOW.withDryRun(true))
        .blobsRemoved(), "a dry run deletes nothing and needs no lease");

    clock.advance(GcLease.TERM.plusSeconds(1));
    assertEquals(List.of(stray.toString()), a.collectGarbage(NOW).blobsRemoved());
    assertEquals(List.of(), storage.list(StoragePaths.gcLeaseDirectory()),
        "the lapsed generation was removed when it was taken over, the new one given back");
  }

  @Test
  void aCollectionThatLosesItsLeaseStops() {
    for (int i = 0; i < 3; i++) {
      RepositoryName repository = RepositoryName.parse("repo" + i);
      a.manifests().put(repository, Tag.parse("v1"), MediaTypes.OCI_MANIFEST,
          manifest(push(a, repository, utf8("layer " + i)), 7));
    }
    AtomicBoolean takenOver = new AtomicBoolean();
    GcOptions options = NOW.withListener(new GcListener() {});
    doAnswer(call -> {
      if (takenOver.compareAndSet(false, true)) {
        // While the collection runs, it stalls past its term, and another takes the lease over.
        clock.advance(GcLease.TERM.plusSeconds(1));
        storage.write(StoragePaths.gcLease(99), utf8("{\"owner\":\"the other one\",\"expires\":\""
            + clock.instant().plus(GcLease.TERM) + "\"}"));
      }
      return call.callRealMethod();
    }).when(storage).list(eq(StoragePaths.revisionsDirectory(RepositoryName.parse("repo1")) + "/"
        + Digest.SHA256));

    CollectionInProgressException lost = assertThrows(CollectionInProgressException.class,
        () -> a.collectGarbage(options));

    assertTrue(lost.getMessage().contains("lost its lease to the other one"), lost.getMessage());
    assertEquals(List.of(StoragePaths.partName(99)),
        storage.list(StoragePaths.gcLeaseDirectory()), "the other's lease is left alone");
  }

  /**
   * The race the announcement closes: instance B checks a layer while instance A's collection,
   * having found it old, is about to delete it. B sees the announcement, waits until A is done,
   * and then finds the layer gone: its manifest is refused, as a client can recover from, and
   * never accepted with a layer that is deleted under it.
   */
  @Test
  void aManifestPutWaitsForASweepAnnouncedOnAnotherInstance() {
    byte[] layer = utf8("old layer");
    Digest digest = push(b, layer);
    String announcement = StoragePaths.gcSweeping(digest);
    storage.write(announcement, utf8("instance A's collection"));
    AtomicBoolean swept = new AtomicBoolean();
    doAnswer(call -> {
      if (swept.compareAndSet(false, true)) {
        // Instance A, meanwhile: deletes the layer and its link, and withdraws.
        storage.delete(StoragePaths.blobData(digest));
        storage.delete(StoragePaths.layerLink(APP, digest));
        storage.delete(announcement);
      }
      return call.callRealMethod();
    }).when(storage).stat(announcement);

    RegistryException refused = assertThrows(RegistryException.class, () -> b.manifests()
        .put(APP, Tag.parse("v1"), MediaTypes.OCI_MANIFEST, manifest(digest, layer.length)));

    assertTrue(swept.get(), "B waited on the announcement");
    assertEquals(ErrorCode.MANIFEST_BLOB_UNKNOWN, refused.errors().get(0).code());
    assertTrue(storage.stat(StoragePaths.tagCurrentLink(APP, Tag.parse("v1"))).isEmpty(),
        "nothing tagged");
  }

  /** An announcement whose collector died does not hold writes up for long. */
  @Test
  void aStaleAnnouncementIsIgnored() {
    byte[] layer = utf8("layer");
    Digest digest = push(b, layer);
    storage.write(StoragePaths.gcSweeping(digest), utf8("a collector that died"));
    clock.advance(SweepIntents.STALE.plusSeconds(1));

    b.manifests().put(APP, Tag.parse("v1"), MediaTypes.OCI_MANIFEST,
        manifest(digest, layer.length));

    assertEquals(List.of("v1"), b.tags().list(APP, null, 10).items());
    clock.advance(Duration.ofSeconds(1));
    a.collectGarbage(NOW);
    assertEquals(List.of(), storage.list(StoragePaths.gcSweepingDirectory()),
        "the next collection clears what a dead one left");
    assertTrue(storage.stat(StoragePaths.blobData(digest)).isPresent());
  }

  /** A check (HEAD) keeps a blob by touching its link, which the sweep counts as the blob's. */
  @Test
  void aCheckedBlobIsKeptThroughItsLink() {
    Digest checked = push(a, utf8("checked"));
    Digest unchecked = push(a, utf8("unchecked"));
    clock.advance(Duration.ofHours(2));
    Instant before = storage.stat(StoragePaths.blobData(checked)).orElseThrow().modified();

    assertTrue(b.blobs().stat(APP, checked).isPresent());

    assertEquals(before, storage.stat(StoragePaths.blobData(checked)).orElseThrow().modified(),
        "the bytes are not touched (on S3 that would be a copy of the blob)");
    GcReport report = a.collectGarbage(GcOptions.defaults().withGracePeriod(Duration.ofHours(1)));
    assertEquals(List.of(unchecked.toString()), report.blobsRemoved());
  }
}
