package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.StorageWriter;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the S3 storage joins objects ({@code move(List, target)}) and discards abandoned multipart
 * uploads, request by request, on a real S3 server: the store copies what it can, the instance
 * carries only runs of chunks under 5 MiB, and every part but the last is at least 5 MiB (Ceph
 * RGW refuses smaller ones with EntityTooSmall, so on Ceph a wrong plan fails outright).
 */
abstract class S3JoinBehaviour {
  static final int MIB = 1024 * 1024;

  abstract S3Server server();

  final RequestLog log = new RequestLog();
  private final List<S3Storage> opened = new ArrayList<>();

  S3Storage open(UnaryOperator<S3Config.Builder> settings, long copyLimit) {
    S3Storage storage = S3Storage.open(settings.apply(server().config("join")).build(),
        Clock.systemUTC(), List.of(log), copyLimit);
    opened.add(storage);
    return storage;
  }

  S3Storage open(int partSize) {
    return open(s -> s.partSize(partSize), S3Copies.COPY_LIMIT);
  }

  @AfterEach
  void deleteWhatTheTestWrote() {
    for (S3Storage storage : opened) {
      for (String name : storage.list("")) {
        storage.delete(name);
      }
      storage.discardAbandonedWrites(java.time.Instant.now().plusSeconds(60));
      storage.close();
    }
  }

  /** Writes chunks of the given sizes (random bytes) as parts/0, parts/1, ...; their paths. */
  static List<String> chunks(S3Storage storage, ByteArrayOutputStream all, int... sizes) {
    Random random = new Random(sizes.length);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      byte[] chunk = new byte[sizes[i]];
      random.nextBytes(chunk);
      all.writeBytes(chunk);
      String path = "u/parts/" + i;
      storage.write(path, chunk);
      paths.add(path);
    }
    return paths;
  }

  @Test
  void chunksOfFiveMibAndMoreAreCopiedByTheStore() {
    S3Storage storage = open(S3Config.MIN_PART_SIZE);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<String> parts = chunks(storage, all, 6 * MIB, 7 * MIB, 2 * MIB);
    log.clear();

    storage.move(parts, "blob/data");

    assertEquals(List.of("ListObjectsV2", "CreateMultipartUpload", "UploadPartCopy",
        "UploadPartCopy", "GetObject", "UploadPart", "CompleteMultipartUpload", "DeleteObjects"),
        log.operations(), "13 of 15 MiB copied by the store, the last 2 MiB through a buffer");
    assertArrayEquals(all.toByteArray(), storage.read("blob/data"));
    assertTrue(storage.stat("u").isEmpty());
  }

  @Test
  void smallChunksAreGatheredIntoPartsOfAtLeastFiveMib() {
    S3Storage storage = open(S3Config.MIN_PART_SIZE);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<String> parts = chunks(storage, all, 2 * MIB, 2 * MIB, 9 * MIB, MIB);
    log.clear();

    storage.move(parts, "blob/data");

    // 2 + 2 MiB buffered, then the first 1 MiB of the 9 MiB chunk makes a 5 MiB part; its other
    // 8 MiB are copied; the last 1 MiB is the (small) last part.
    assertEquals(List.of("ListObjectsV2", "GetObject", "GetObject", "GetObject",
        "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "GetObject", "UploadPart",
        "CompleteMultipartUpload", "DeleteObjects"), log.operations());
    assertArrayEquals(all.toByteArray(), storage.read("blob/data"));
  }

  @Test
  void chunksThatFitOnePartAreOnePart() {
    S3Storage storage = open(16 * MIB);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<String> parts = chunks(storage, all, 1000, MIB, 6 * MIB, 10);
    log.clear();

    storage.move(parts, "blob/data");

    // 6 MiB could be copied, but the 1 MiB before it is buffered: 4 MiB of it are read to make
    // a part, and then the 2 MiB left are under 5 MiB: all of it fits one 16 MiB buffer, sent as
    // the one part of a multipart upload since it is over the single-PUT limit.
    assertEquals(List.of("ListObjectsV2", "GetObject", "GetObject", "GetObject", "GetObject",
        "GetObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload",
        "DeleteObjects"), log.operations());
    assertArrayEquals(all.toByteArray(), storage.read("blob/data"));
  }

  @Test
  void chunksThatFitTheSinglePutLimitAreOnePut() {
    S3Storage storage = open(16 * MIB);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<String> parts = chunks(storage, all, 1000, MIB, 3 * MIB - 1000);
    log.clear();

    storage.move(parts, "blob/data");

    assertEquals(S3Config.SINGLE_PUT_LIMIT, all.size());
    assertEquals(List.of("ListObjectsV2", "GetObject", "GetObject", "GetObject", "PutObject",
        "DeleteObjects"), log.operations());
    assertArrayEquals(all.toByteArray(), storage.read("blob/data"));
  }

  @Test
  void aSourceOverTheCopyLimitIsCopiedInPiecesOfAtLeastFiveMib() {
    S3Storage storage = open(s -> s.partSize(S3Config.MIN_PART_SIZE), 10L * MIB);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<String> parts = chunks(storage, all, 23 * MIB, 10);
    log.clear();

    storage.move(parts, "blob/data");

    // 23 MiB with at most 10 MiB per copy: 10 + 8 + 5, so that no piece is under 5 MiB.
    assertEquals(3, log.count("UploadPartCopy"));
    assertEquals(1, log.count("UploadPart"));
    assertArrayEquals(all.toByteArray(), storage.read("blob/data"));
  }

  @Test
  void discardsOnlyUploadsUnderItsPrefixBegunBeforeTheCutOff() throws Exception {
    S3Storage storage = open(S3Config.MIN_PART_SIZE);
    S3Storage other = open(S3Config.MIN_PART_SIZE);
    StorageWriter abandoned = storage.writer("a/abandoned");
    abandoned.write(new byte[6 * MIB]);
    StorageWriter elsewhere = other.writer("a/elsewhere");
    elsewhere.write(new byte[6 * MIB]);

    assertEquals(0, storage.discardAbandonedWrites(java.time.Instant.now()
        .minus(Duration.ofMinutes(5))), "younger than the cut-off");
    assertEquals(1, storage.discardAbandonedWrites(java.time.Instant.now().plusSeconds(5)));
    assertEquals(0, storage.discardAbandonedWrites(java.time.Instant.now().plusSeconds(5)));

    elsewhere.commit();
    assertEquals(6 * MIB, other.stat("a/elsewhere").orElseThrow().size());
    abandoned.cancel();
    assertTrue(storage.stat("a/abandoned").isEmpty());
  }
}
