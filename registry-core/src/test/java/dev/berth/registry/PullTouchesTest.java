package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.SizedStream;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A pull touches the repository's link to the blob at most once per touch interval, even when
 * many pulls read the link as old at once (each read it before the first one's touch landed): on
 * S3 every touch is a CopyObject under the blob's lock. The touch is made beside the pull, which
 * never waits for it; a collection in this process waits for the touches submitted before it.
 */
class PullTouchesTest {
  static final RepositoryName APP = RepositoryName.parse("app");
  static final byte[] LAYER = "layer bytes".getBytes(StandardCharsets.UTF_8);

  final TestClock clock = TestClock.atSystemTime();
  final Storage storage = spy(InMemoryStorage.create(clock));
  final Registry registry = Registry.builder().storage(storage).clock(clock).build();
  final Digest digest = Digest.sha256(LAYER);
  final String link = StoragePaths.layerLink(APP, digest);

  @Test
  void pullsThatReadTheLinkBeforeATouchLandedDoNotTouchItAgain() throws Exception {
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(LAYER), LAYER.length);
    clock.advance(Duration.ofSeconds(2));
    // Every pull now reads the link as two seconds old, as pulls racing the first touch do.
    StorageEntry old = storage.stat(link).orElseThrow();
    doReturn(Optional.of(old)).when(storage).stat(link);

    for (int i = 0; i < 3; i++) {
      try (SizedStream blob = registry.blobs().openWhole(APP, digest)) {
        assertArrayEquals(LAYER, blob.in().readAllBytes());
      }
      assertEquals(LAYER.length, registry.blobs().require(APP, digest).size());
    }
    // The touch is made beside the pulls (PullTouches): one, and no second after it.
    verify(storage, timeout(10_000).times(1)).touch(link);
    verify(storage, after(300).times(1)).touch(link);

    clock.advance(Duration.ofSeconds(2));
    registry.blobs().openWhole(APP, digest).close();
    verify(storage, timeout(10_000).times(2)).touch(link);
  }

  @Test
  void aDeletedLinkIsUnknownAlthoughItWasTouchedJustBefore() throws Exception {
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(LAYER), LAYER.length);
    // Another blob keeps the repository (without it the answer would be NAME_UNKNOWN).
    byte[] other = "other".getBytes(StandardCharsets.UTF_8);
    registry.uploads().putWhole(APP, Digest.sha256(other), new ByteArrayInputStream(other),
        other.length);
    clock.advance(Duration.ofSeconds(2));
    registry.blobs().openWhole(APP, digest).close();
    verify(storage, timeout(10_000).times(1)).touch(link);

    registry.blobs().delete(APP, digest);

    RegistryException e = assertThrows(RegistryException.class,
        () -> registry.blobs().openWhole(APP, digest));
    assertEquals(ErrorCode.BLOB_UNKNOWN, e.code());
  }

  @Test
  void aCollectionBeginsOnlyAfterTheTouchesOfChecksBeforeIt() throws Exception {
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(LAYER), LAYER.length);
    // Four other checked blobs whose touches are slow occupy the touching threads, so the
    // touch of the check below waits in the queue when the collection is asked for.
    java.util.List<String> others = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      byte[] other = ("other " + i).getBytes(StandardCharsets.UTF_8);
      registry.uploads().putWhole(APP, Digest.sha256(other), new ByteArrayInputStream(other),
          other.length);
      others.add(StoragePaths.layerLink(APP, Digest.sha256(other)));
    }
    clock.advance(Duration.ofHours(2));
    java.util.concurrent.CountDownLatch slowTouches = new java.util.concurrent.CountDownLatch(4);
    for (String other : others) {
      org.mockito.Mockito.doAnswer(call -> {
        slowTouches.countDown();
        Thread.sleep(500);
        return call.callRealMethod();
      }).when(storage).touch(other);
    }
    for (String other : others) {
      registry.blobs().require(APP, Digest.parse("sha256:"
          + other.substring(other.indexOf("sha256/") + 7, other.lastIndexOf("/link"))));
    }
    slowTouches.await();
    assertEquals(LAYER.length, registry.blobs().require(APP, digest).size());
    // An hour's grace: the unreferenced layer, two hours old, is kept only by the check's touch,
    // still queued now: the collection must wait for it.
    registry.collectGarbage(dev.berth.registry.gc.GcOptions.defaults()
        .withGracePeriod(Duration.ofHours(1)));
    assertEquals(LAYER.length, registry.blobs().require(APP, digest).size());
  }
}
