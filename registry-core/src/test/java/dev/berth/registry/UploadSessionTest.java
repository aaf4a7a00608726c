package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RepositoryName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Upload sessions through {@link UploadService}, without HTTP: chunks in order through both entry
 * points, refused chunks, completion with the right and a wrong digest, cancel, a session that
 * outlives its registry, a chunk that breaks off, and expiry by the clock.
 */
@ParameterizedClass
@EnumSource(CoreHarness.StorageKind.class)
class UploadSessionTest extends CoreHarness {

  static final RepositoryName APP = RepositoryName.parse("app");
  /** 300 bytes, each its own index, so a wrong splice shows in the digest. */
  static final byte[] CONTENT = new byte[300];

  static {
    for (int i = 0; i < CONTENT.length; i++) {
      CONTENT[i] = (byte) i;
    }
  }

  static byte[] part(int from, int to) {
    return Arrays.copyOfRange(CONTENT, from, to);
  }

  UploadService uploads() {
    return registry.uploads();
  }

  /** A chunk written piece by piece through {@link UploadBody}, as a non-blocking reader does. */
  UploadStatus receive(String id, ContentRange range, byte[] bytes) {
    UploadBody<UploadStatus> body = uploads().receiveChunk(APP, id, range, bytes.length);
    int half = bytes.length / 2;
    body.write(bytes, 0, half);
    body.write(bytes, half, bytes.length - half);
    return body.finish();
  }

  UploadStatus append(String id, ContentRange range, byte[] bytes) {
    return uploads().append(APP, id, new ByteArrayInputStream(bytes), range, bytes.length);
  }

  /** Every object outside upload sessions: what a refused completion must not change. */
  Map<String, String> storedOutsideUploads() {
    Map<String, String> all = new TreeMap<>(snapshot());
    all.keySet().removeIf(path -> path.contains("/" + StoragePaths.UPLOADS + "/"));
    return all;
  }

  @Test
  void chunksInOrderThroughBothEntryPointsMakeTheBlob() throws IOException {
    open();
    UploadStatus started = uploads().start(APP);
    assertEquals(0, started.size());

    assertEquals(100, receive(started.id(), new ContentRange(0, 99), part(0, 100)).size());
    assertEquals(200, append(started.id(), new ContentRange(100, 199), part(100, 200)).size());
    assertEquals(300, append(started.id(), null, part(200, 300)).size(), "a streamed append");
    assertEquals(300, uploads().status(APP, started.id()).size());

    BlobInfo blob = uploads().complete(APP, started.id(), Digest.sha256(CONTENT));

    assertEquals(new BlobInfo(Digest.sha256(CONTENT), 300), blob);
    try (InputStream in = registry.blobs().open(APP, blob.digest(), 0)) {
      assertArrayEquals(CONTENT, in.readAllBytes());
    }
    refused(ErrorCode.BLOB_UPLOAD_UNKNOWN, () -> uploads().status(APP, started.id()));
    assertTrue(storage().stat(StoragePaths.uploadDirectory(APP, started.id())).isEmpty());
  }

  @Test
  void aChunkThatDoesNotContinueTheSessionIsRefusedWith416() {
    open();
    String id = uploads().start(APP).id();
    append(id, new ContentRange(0, 99), part(0, 100));

    refused(ErrorCode.RANGE_INVALID, () -> append(id, new ContentRange(150, 199),
        part(150, 200)));
    refused(ErrorCode.RANGE_INVALID, () -> append(id, new ContentRange(0, 99), part(0, 100)));
    refused(ErrorCode.RANGE_INVALID, () -> receive(id, new ContentRange(50, 149),
        part(50, 150)));
    assertEquals(416, refused(ErrorCode.RANGE_INVALID, () -> append(id,
        new ContentRange(99, 199), part(99, 200))).httpStatus());

    assertEquals(100, uploads().status(APP, id).size(), "refused chunks changed nothing");
    append(id, new ContentRange(100, 299), part(100, 300));
    assertEquals(Digest.sha256(CONTENT), uploads().complete(APP, id, Digest.sha256(CONTENT))
        .digest());
  }

  /** Two requests for the same offset: the second to finish is refused, never overwrites. */
  @Test
  void aRepeatedChunkAtTheSameOffsetIsRefusedWhenItCommits() {
    open();
    String id = uploads().start(APP).id();
    UploadBody<UploadStatus> first = uploads().receiveChunk(APP, id, new ContentRange(0, 99), 100);
    UploadBody<UploadStatus> second = uploads().receiveChunk(APP, id, new ContentRange(0, 99),
        100);
    first.write(part(0, 100), 0, 100);
    byte[] other = new byte[100];
    second.write(other, 0, 100);

    assertEquals(100, first.finish().size());
    refused(ErrorCode.RANGE_INVALID, second::finish);

    append(id, null, part(100, 300));
    assertEquals(300, uploads().complete(APP, id, Digest.sha256(CONTENT)).size());
  }

  @Test
  void aWrongDigestStoresNothing() {
    open();
    blob("app", "something stored before");
    String id = uploads().start(APP).id();
    append(id, null, CONTENT);
    Map<String, String> before = storedOutsideUploads();
    Digest claimed = Digest.sha256(utf8("not the content"));

    refused(ErrorCode.DIGEST_INVALID, () -> uploads().complete(APP, id, claimed));

    assertEquals(before, storedOutsideUploads());
    assertFalse(hasBlobData(claimed));
    assertFalse(hasBlobData(Digest.sha256(CONTENT)));
    assertTrue(registry.blobs().stat(APP, Digest.sha256(CONTENT)).isEmpty());
    refused(ErrorCode.BLOB_UPLOAD_UNKNOWN, () -> uploads().status(APP, id));
  }

  @Test
  void aWholeBlobWithAWrongDigestStoresNothing() {
    open();
    Map<String, String> before = snapshot();
    Digest claimed = Digest.sha256(utf8("not the content"));

    refused(ErrorCode.DIGEST_INVALID, () -> uploads().putWhole(APP, claimed,
        new ByteArrayInputStream(CONTENT), CONTENT.length));

    assertEquals(before, snapshot());
  }

  @Test
  void cancelRemovesTheSessionAndItsBytes() {
    open();
    String id = uploads().start(APP).id();
    append(id, null, part(0, 100));

    uploads().cancel(APP, id);

    refused(ErrorCode.BLOB_UPLOAD_UNKNOWN, () -> uploads().status(APP, id));
    refused(ErrorCode.BLOB_UPLOAD_UNKNOWN, () -> append(id, null, part(100, 200)));
    refused(ErrorCode.BLOB_UPLOAD_UNKNOWN, () -> uploads().cancel(APP, id));
    assertTrue(storage().stat(StoragePaths.uploadDirectory(APP, id)).isEmpty());
  }

  /** A session lives in storage: a second registry on it continues and verifies from the parts. */
  @Test
  void aSessionContinuesOnANewRegistryOverTheSameStorage() {
    open();
    String id = uploads().start(APP).id();
    append(id, new ContentRange(0, 99), part(0, 100));
    append(id, new ContentRange(100, 149), part(100, 150));

    restart(b -> b);

    assertEquals(150, uploads().status(APP, id).size());
    refused(ErrorCode.RANGE_INVALID, () -> append(id, new ContentRange(0, 99), part(0, 100)));
    append(id, new ContentRange(150, 299), part(150, 300));
    refused(ErrorCode.DIGEST_INVALID, () -> uploads().complete(APP, id,
        Digest.sha256(part(0, 299))));

    String again = uploads().start(APP).id();
    append(again, null, part(0, 200));
    restart(b -> b);
    append(again, null, part(200, 300));
    assertEquals(new BlobInfo(Digest.sha256(CONTENT), 300),
        uploads().complete(APP, again, Digest.sha256(CONTENT)));
  }

  /** A chunk that breaks off keeps what arrived; the client resumes after it. */
  @Test
  void anAbortedChunkKeepsWhatArrived() {
    open();
    String id = uploads().start(APP).id();
    UploadBody<UploadStatus> body = uploads().receiveChunk(APP, id, null, -1);
    body.write(part(0, 120), 0, 120);

    body.abort();

    assertEquals(120, uploads().status(APP, id).size());
    InputStream breaksOff = new InputStream() {
      final InputStream bytes = new ByteArrayInputStream(part(120, 200));

      @Override
      public int read() throws IOException {
        int b = bytes.read();
        if (b < 0) {
          throw new IOException("connection reset");
        }
        return b;
      }
    };
    refused(ErrorCode.BLOB_UPLOAD_INVALID, () -> uploads().append(APP, id, breaksOff, null, 180));
    assertEquals(200, uploads().status(APP, id).size(), "the stream's 80 bytes were kept");

    append(id, new ContentRange(200, 299), part(200, 300));
    assertEquals(Digest.sha256(CONTENT), uploads().complete(APP, id, Digest.sha256(CONTENT))
        .digest());
  }

  /** A whole-blob push that breaks off keeps nothing. */
  @Test
  void anAbortedWholeBlobKeepsNothing() {
    open();
    Map<String, String> before = snapshot();
    UploadBody<BlobInfo> body = uploads().receiveWhole(APP, Digest.sha256(CONTENT), 300);
    body.write(CONTENT, 0, 120);

    body.abort();

    assertEquals(before, snapshot());
  }

  /**
   * Clients push layers in parallel: sessions start and end side by side in one repository, and
   * the end of the last one empties the repository's folders while the next one is created in
   * them. No start, chunk or cancel may fail for that.
   */
  @Test
  void sessionsStartAndEndSideBySideInOneRepository() throws Exception {
    open();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        clients.add(pool.submit(() -> {
          for (int round = 0; round < 200; round++) {
            String id = uploads().start(APP).id();
            append(id, null, part(0, 10));
            uploads().cancel(APP, id);
          }
          return null;
        }));
      }
      for (Future<?> client : clients) {
        client.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), storage().list(StoragePaths.uploadsDirectory(APP)));
  }

  @Test
  void sessionsExpireByTheClock() {
    open(b -> b.uploadMaxAge(Duration.ofHours(1)));
    String id = uploads().start(APP).id();
    append(id, null, part(0, 100));
    clock.advance(Duration.ofHours(1));

    assertEquals(0, registry.purgeUploads(), "exactly the maximum age is not expired yet");
    assertEquals(100, uploads().status(APP, id).size());

    clock.advance(Duration.ofMillis(1));
    assertEquals(1, registry.purgeUploads());
    refused(ErrorCode.BLOB_UPLOAD_UNKNOWN, () -> uploads().status(APP, id));

    String other = uploads().start(APP).id();
    clock.advance(Duration.ofHours(2));
    restart(b -> b.uploadMaxAge(Duration.ofHours(1)));
    assertEquals(1, registry.startReport().uploadsPurged(), "a start purges expired sessions");
    refused(ErrorCode.BLOB_UPLOAD_UNKNOWN, () -> uploads().status(APP, other));
  }
}
