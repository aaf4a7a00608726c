package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.after;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.SizedStream;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A pull touches the repository's link to the blob at most once per touch interval, even when
 * many pulls read the link as old at once (each read it before the first one's touch landed): on
 * S3 every touch is a CopyObject under the blob's lock. The touch is made beside the pull, whose
 * bytes flow meanwhile, and by a check on its own thread; a check or a pull ends only after it (a
 * copy still under way would put back a link deleted after the answer), and a collection in this
 * process waits for the touches begun before it.
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
  void aCollectionBeginsOnlyAfterTheTouchesOfPullsBeforeIt() throws Exception {
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(LAYER), LAYER.length);
    List<SizedStream> pulls = pullsOfFourOthersWhoseTouchesHang(Duration.ofMillis(500), null);
    SizedStream pull = registry.blobs().openWhole(APP, digest);
    // An hour's grace: the unreferenced layer, two hours old, is kept only by the pull's touch,
    // still queued behind the four now: the collection must wait for it.
    registry.collectGarbage(dev.berth.registry.gc.GcOptions.defaults()
        .withGracePeriod(Duration.ofHours(1)));
    assertArrayEquals(LAYER, pull.in().readAllBytes());
    assertEquals(LAYER.length, registry.blobs().require(APP, digest).size());
    for (SizedStream p : pulls) {
      p.close();
    }
  }

  @Test
  void aCheckDoesNotWaitBehindTheTouchesOfOtherBlobs() throws Exception {
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(LAYER), LAYER.length);
    CountDownLatch release = new CountDownLatch(1);
    List<SizedStream> pulls = pullsOfFourOthersWhoseTouchesHang(Duration.ofMinutes(1), release);
    try {
      // The four touching threads are held; the check touches on its own thread and answers
      // (queued behind them it would wait its ten seconds).
      CompletableFuture<Long> check = CompletableFuture.supplyAsync(
          () -> registry.blobs().require(APP, digest).size());
      assertEquals(LAYER.length, check.get(5, TimeUnit.SECONDS));
      verify(storage).touch(link);
    } finally {
      release.countDown();
      for (SizedStream p : pulls) {
        p.close();
      }
    }
  }

  @Test
  void aManifestPutNamingABlobDoesNotWaitForAPullsTouchOfIt() throws Exception {
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(LAYER), LAYER.length);
    registry.uploads().putWhole(APP, Digest.EMPTY_JSON,
        new ByteArrayInputStream(DefaultBlobStore.EMPTY_JSON), DefaultBlobStore.EMPTY_JSON.length);
    clock.advance(Duration.ofSeconds(2));
    // The pull's touch (the first) hangs, as a copy on a busy store does; the PUT's own goes on.
    CountDownLatch touching = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean();
    doAnswer(call -> {
      if (first.compareAndSet(false, true)) {
        touching.countDown();
        release.await(1, TimeUnit.MINUTES);
      }
      return call.callRealMethod();
    }).when(storage).touch(link);
    SizedStream pull = registry.blobs().openWhole(APP, digest);
    try {
      touching.await();
      TestManifests.Built image = TestManifests.image("image", List.of(TestManifests.layer(LAYER)));
      CompletableFuture<Digest> put = CompletableFuture.supplyAsync(() -> registry.manifests()
          .put(APP, Tag.parse("v1"), MediaTypes.OCI_MANIFEST, image.bytes()).digest());
      assertEquals(Digest.sha256(image.bytes()), put.get(5, TimeUnit.SECONDS));
    } finally {
      release.countDown();
      assertArrayEquals(LAYER, pull.in().readAllBytes());
      pull.close();
    }
  }

  @Test
  void aTouchTheFullQueueRefusesIsCountedAndEndsAtOnce() throws Exception {
    AtomicInteger counted = new AtomicInteger();
    PullTouches touches = new PullTouches(1, new RegistryMetrics() {
      @Override
      public void pullTouchDropped() {
        counted.incrementAndGet();
      }
    });
    CountDownLatch running = new CountDownLatch(4);
    CountDownLatch release = new CountDownLatch(1);
    Runnable hang = () -> {
      running.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    try {
      for (int i = 0; i < 4; i++) {
        touches.submit("link " + i, hang);
      }
      running.await();
      CompletableFuture<Void> waiting = touches.submit("link 4", () -> { });
      CompletableFuture<Void> refused = touches.submit("link 5", () -> { });
      assertEquals(1, touches.dropped());
      assertEquals(1, counted.get(), "reported to the metrics");
      assertTrue(refused.isDone(), "a refused touch holds no request back");
      assertFalse(waiting.isDone());
      release.countDown();
      waiting.get(10, TimeUnit.SECONDS);
      assertEquals(1, touches.dropped());
    } finally {
      release.countDown();
      touches.shutdown();
    }
  }

  /**
   * Four other blobs, two hours old, pulled and not yet read: their touches occupy the four
   * touching threads, each for {@code hang} or until {@code release} (when given) opens.
   */
  List<SizedStream> pullsOfFourOthersWhoseTouchesHang(Duration hang, CountDownLatch release)
      throws Exception {
    List<Digest> others = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      byte[] other = ("other " + i).getBytes(StandardCharsets.UTF_8);
      registry.uploads().putWhole(APP, Digest.sha256(other), new ByteArrayInputStream(other),
          other.length);
      others.add(Digest.sha256(other));
    }
    clock.advance(Duration.ofHours(2));
    CountDownLatch touching = new CountDownLatch(4);
    for (Digest other : others) {
      doAnswer(call -> {
        touching.countDown();
        if (release == null) {
          Thread.sleep(hang.toMillis());
        } else {
          release.await(hang.toMillis(), TimeUnit.MILLISECONDS);
        }
        return call.callRealMethod();
      }).when(storage).touch(StoragePaths.layerLink(APP, other));
    }
    // Pulls under way (their last bytes wait for the touches, so they are not read here).
    List<SizedStream> pulls = new ArrayList<>();
    for (Digest other : others) {
      pulls.add(registry.blobs().openWhole(APP, other));
    }
    touching.await();
    return pulls;
  }

  /**
   * Makes the touch of {@code path} what it is on S3, a copy of the object onto itself: the copy
   * reads it, and writes it {@code copying} later, whether or not it was deleted meanwhile.
   *
   * @return opens once a copy has read the object
   */
  CountDownLatch touchIsASlowCopy(String path, Duration copying) {
    CountDownLatch read = new CountDownLatch(1);
    doAnswer(call -> {
      byte[] bytes;
      try {
        bytes = storage.read(path);
      } catch (dev.berth.registry.storage.ObjectNotFoundException e) {
        return false;
      }
      read.countDown();
      Thread.sleep(copying.toMillis());
      storage.write(path, bytes);
      return true;
    }).when(storage).touch(path);
    return read;
  }

  @Test
  void aDeleteThroughAnotherInstanceAfterACheckIsNotUndoneByItsTouch() {
    aLayerWhoseTouchIsASlowCopy();
    assertEquals(LAYER.length, registry.blobs().require(APP, digest).size());
    deleteThroughAnotherInstanceAndFindItGone();
  }

  @Test
  void aDeleteThroughAnotherInstanceAfterAPullIsNotUndoneByItsTouch() throws Exception {
    aLayerWhoseTouchIsASlowCopy();
    try (SizedStream blob = registry.blobs().openWhole(APP, digest)) {
      assertArrayEquals(LAYER, blob.in().readAllBytes());
    }
    deleteThroughAnotherInstanceAndFindItGone();
  }

  @Test
  void aDeleteHereWhileACheckTouchesWaitsForTheTouch() throws Exception {
    CountDownLatch copying = aLayerWhoseTouchIsASlowCopy();
    deleteWhileACheckCopies(digest, copying, () -> registry.blobs().delete(APP, digest));
    RegistryException e = assertThrows(RegistryException.class,
        () -> registry.blobs().openWhole(APP, digest));
    assertEquals(ErrorCode.BLOB_UNKNOWN, e.code());
  }

  @Test
  void aManifestDeleteHereWhileACheckTouchesItsRevisionWaitsForTheTouch() throws Exception {
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(LAYER), LAYER.length);
    registry.uploads().putWhole(APP, Digest.EMPTY_JSON,
        new ByteArrayInputStream(DefaultBlobStore.EMPTY_JSON), DefaultBlobStore.EMPTY_JSON.length);
    TestManifests.Built image = TestManifests.image("image",
        List.of(TestManifests.layer(LAYER)));
    Digest manifest = Digest.sha256(image.bytes());
    registry.manifests().put(APP, manifest, MediaTypes.OCI_MANIFEST, image.bytes());
    String revision = StoragePaths.revisionLink(APP, manifest);
    clock.advance(Duration.ofSeconds(2));
    CountDownLatch copying = touchIsASlowCopy(revision, Duration.ofMillis(300));
    // A check of the manifest by its digest on the blobs route touches its revision link.
    deleteWhileACheckCopies(manifest, copying, () -> registry.manifests().delete(APP, manifest));
    RegistryException e = assertThrows(RegistryException.class,
        () -> registry.manifests().get(APP, manifest));
    assertEquals(ErrorCode.MANIFEST_UNKNOWN, e.code());
  }

  /**
   * Checks {@code checked} on another thread and runs {@code delete} once the check's touch (a
   * slow copy) has read the link and not yet written it back: the delete must wait for it.
   */
  void deleteWhileACheckCopies(Digest checked, CountDownLatch copying, Runnable delete)
      throws InterruptedException {
    Thread check = new Thread(() -> registry.blobs().require(APP, checked));
    check.start();
    copying.await();
    delete.run();
    check.join();
  }

  /** The layer, two seconds old (the next check or pull touches it), touched by a slow copy. */
  CountDownLatch aLayerWhoseTouchIsASlowCopy() {
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(LAYER), LAYER.length);
    keepTheRepository();
    clock.advance(Duration.ofSeconds(2));
    return touchIsASlowCopy(link, Duration.ofMillis(300));
  }

  void deleteThroughAnotherInstanceAndFindItGone() {
    Registry.builder().storage(storage).clock(clock).build().blobs().delete(APP, digest);
    // The copy's write: the upload wrote the link once, the touch once more (before the delete).
    verify(storage, timeout(10_000).times(2)).write(org.mockito.ArgumentMatchers.eq(link),
        org.mockito.ArgumentMatchers.any(byte[].class));
    RegistryException e = assertThrows(RegistryException.class,
        () -> registry.blobs().openWhole(APP, digest));
    assertEquals(ErrorCode.BLOB_UNKNOWN, e.code());
  }

  /** Another blob keeps the repository (without it the answer would be NAME_UNKNOWN). */
  void keepTheRepository() {
    byte[] other = "other".getBytes(StandardCharsets.UTF_8);
    registry.uploads().putWhole(APP, Digest.sha256(other), new ByteArrayInputStream(other),
        other.length);
  }
}
