package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * A manifest PUT touches the links of what it names, lists the collectors' announcements and
 * checks the bytes, so that no collection on any instance deletes them under it. Pushes of many
 * images on one base, or of one image under several tags, moments apart, need not do that again
 * for what a write here settled less than {@link BlobKeeper#SETTLED_FOR} ago (on S3 a
 * CopyObject, a listing and HEADs each): unless a collection began here since. What another
 * instance may have deleted through the API since (a blob's link, a manifest) is still looked at
 * or written again.
 */
class RecentlySettledTest {
  static final RepositoryName APP = RepositoryName.parse("app");
  final byte[] layer = "a base layer".getBytes(StandardCharsets.UTF_8);
  final Digest digest = Digest.sha256(layer);
  final AtomicInteger touches = new AtomicInteger();
  final AtomicInteger listings = new AtomicInteger();
  Storage storage;
  Registry registry;
  String link;

  @BeforeEach
  void start() {
    storage = Mockito.spy(InMemoryStorage.create());
    registry = Registry.builder().storage(storage).build();
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(layer), layer.length);
    registry.uploads().putWhole(APP, Digest.EMPTY_JSON,
        new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), 2);
    link = StoragePaths.layerLink(APP, digest);
    Mockito.doAnswer(call -> {
      touches.incrementAndGet();
      return call.callRealMethod();
    }).when(storage).touch(link);
    Mockito.doAnswer(call -> {
      listings.incrementAndGet();
      return call.callRealMethod();
    }).when(storage).list(StoragePaths.gcSweepingDirectory());
  }

  TestManifests.Built image(int i) {
    return TestManifests.image("image " + i, List.of(TestManifests.layer(layer)));
  }

  Digest push(TestManifests.Built image, String tag) {
    return registry.manifests().put(APP, Tag.parse(tag), MediaTypes.OCI_MANIFEST, image.bytes())
        .digest();
  }

  @Test
  void imagesOnOneBasePushedMomentsApartSettleItOnce() {
    long start = System.nanoTime();
    push(image(1), "v1");
    push(image(2), "v2");
    push(image(3), "v3");
    assumeTrue(Duration.ofNanos(System.nanoTime() - start)
        .compareTo(BlobKeeper.SETTLED_FOR) < 0, "the three pushes took longer than the window");
    assertEquals(1, touches.get(), "the layer's link, touched by the first push only");
    assertEquals(4, listings.get(), "two for the first push (its references, its own bytes),"
        + " then one each for the new manifests' own bytes");
  }

  @Test
  void oneImageUnderSeveralTagsMomentsApartIsSettledOnce() {
    long start = System.nanoTime();
    for (int t = 1; t <= 4; t++) {
      assertEquals(image(1).digest(), push(image(1), "v" + t));
    }
    assumeTrue(Duration.ofNanos(System.nanoTime() - start)
        .compareTo(BlobKeeper.SETTLED_FOR) < 0, "the pushes took longer than the window");
    assertEquals(2, listings.get(), "the first push's two rounds only");
    for (int t = 1; t <= 4; t++) {
      assertEquals(image(1).digest(), registry.tags().resolve(APP, Tag.parse("v" + t))
          .orElseThrow());
    }
  }

  @Test
  void aCollectionBegunSinceMakesTheNextPushSettleAgain() {
    push(image(1), "v1");
    registry.collectGarbage(GcOptions.defaults().withGracePeriod(Duration.ZERO));
    push(image(2), "v2");
    assertEquals(2, touches.get(), "a touch from before the collection began is not enough");
  }

  /** Another instance over the same storage: what it removes, this one must see at once. */
  Registry other() {
    return Registry.builder().storage(storage).deletesEnabled(true).build();
  }

  @Test
  void aLinkDeletedThroughAnotherInstanceMomentsAgoRefusesTheManifest() {
    push(image(1), "v1");
    other().blobs().delete(APP, digest);
    RegistryException e = assertThrows(RegistryException.class, () -> push(image(2), "v2"));
    assertEquals(ErrorCode.MANIFEST_BLOB_UNKNOWN, e.errors().get(0).code());
  }

  @Test
  void aManifestDeletedThroughAnotherInstanceMomentsAgoIsPutBack() {
    TestManifests.Built image = image(1);
    push(image, "v1");
    other().manifests().delete(APP, image.digest());
    push(image, "v2");
    assertArrayEquals(image.bytes(), registry.manifests().get(APP, Tag.parse("v2")).bytes());
    assertArrayEquals(image.bytes(), registry.manifests().get(APP, image.digest()).bytes());
  }

  @Test
  void anyRemovalInTheRepositoryMakesTheNextPushLookAgain() {
    push(image(1), "v1");
    push(image(2), "v2");
    // A removal elsewhere in the repository: the records cannot tell which links it took.
    other().manifests().delete(APP, image(2).digest());
    push(image(3), "v3");
    assertEquals(2, touches.get(), "the layer's link touched again after the removal");
  }

  @Test
  void aPushMomentsAfterAnotherReadsOneObjectOnlyBeforeItsTag() {
    push(image(1), "v1");
    Mockito.clearInvocations(storage);
    long start = System.nanoTime();
    push(image(1), "v2");
    assumeTrue(Duration.ofNanos(System.nanoTime() - start)
        .compareTo(BlobKeeper.SETTLED_FOR.dividedBy(2)) < 0, "the push was not moments after");
    Mockito.verify(storage).fingerprint(StoragePaths.removals(APP));
    Mockito.verify(storage, Mockito.never()).statObject(Mockito.anyString());
    Mockito.verify(storage, Mockito.never()).stat(Mockito.anyString());
    Mockito.verify(storage, Mockito.never()).touch(Mockito.anyString());
  }
}
