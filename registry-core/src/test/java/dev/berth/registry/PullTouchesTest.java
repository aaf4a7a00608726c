package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.spy;
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
 * S3 every touch is a CopyObject under the blob's lock.
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
    verify(storage, times(1)).touch(link);

    clock.advance(Duration.ofSeconds(2));
    registry.blobs().openWhole(APP, digest).close();
    verify(storage, times(2)).touch(link);
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
    verify(storage, times(1)).touch(link);

    registry.blobs().delete(APP, digest);

    RegistryException e = assertThrows(RegistryException.class,
        () -> registry.blobs().openWhole(APP, digest));
    assertEquals(ErrorCode.BLOB_UNKNOWN, e.code());
  }
}
