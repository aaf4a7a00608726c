package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.storage.StorageWriter;
import dev.berth.registry.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the S3 storage does beyond the contract, on a real S3 server: multipart writes and copies,
 * create-if-absent in each mode, listing order and cost, where walk's times come from.
 */
abstract class S3StorageBehaviour {
  static final int PART = S3Config.MIN_PART_SIZE;

  /** The server under test. */
  abstract S3Server server();

  /** What the conditional-write probe must find on this server. */
  abstract CreateIfAbsentMode expectedMode();

  final RequestLog log = new RequestLog();
  private final List<S3Storage> opened = new ArrayList<>();

  S3Storage open(Clock clock, UnaryOperator<S3Config.Builder> settings, long copyLimit) {
    S3Storage storage = S3Storage.open(settings.apply(server().config("behaviour")
        .partSize(PART)).build(), clock, List.of(log), copyLimit);
    opened.add(storage);
    log.clear(); // the probe's requests
    return storage;
  }

  S3Storage open(UnaryOperator<S3Config.Builder> settings) {
    return open(Clock.systemUTC(), settings, S3Copies.COPY_LIMIT);
  }

  @AfterEach
  void deleteWhatTheTestWrote() {
    for (S3Storage storage : opened) {
      for (String name : storage.list("")) {
        storage.delete(name);
      }
      storage.close();
    }
  }

  static byte[] bytes(int size, int seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void detectsTheConditionalWritesTheStoreHas() {
    assertEquals(expectedMode(), open(s -> s).createIfAbsentMode());
    assertEquals(CreateIfAbsentMode.CHECK_THEN_WRITE,
        open(s -> s.conditionalWrites(false)).createIfAbsentMode());
  }

  @Test
  void streamsALargeObjectInPartsInvisibleUntilCommit() throws Exception {
    S3Storage storage = open(s -> s);
    byte[] content = bytes(2 * PART + 12345, 1);
    log.clear();
    try (StorageWriter writer = storage.writer("big/blob")) {
      for (int at = 0; at < content.length; at += 100_000) {
        writer.write(content, at, Math.min(100_000, content.length - at));
      }
      assertTrue(storage.stat("big/blob").isEmpty(), "nothing visible before commit");
      writer.commit();
    }
    assertEquals(1, log.count("CreateMultipartUpload"));
    assertEquals(3, log.count("UploadPart"));
    assertEquals(1, log.count("CompleteMultipartUpload"));
    assertArrayEquals(content, storage.read("big/blob"));
    assertEquals(content.length, storage.stat("big/blob").orElseThrow().size());
  }

  @Test
  void aSmallStreamedObjectIsOnePut() throws Exception {
    S3Storage storage = open(s -> s);
    log.clear();
    try (StorageWriter writer = storage.writer("small")) {
      writer.write(utf8("one request"));
      writer.commit();
    }
    assertEquals(List.of("PutObject"), log.operations());
  }

  /**
   * Up to {@link S3Config#SINGLE_PUT_LIMIT} an object is one PUT; above it, even when it fits one
   * part, it is written in parts (the layout Ceph's gateway reads back cheapest, as registry:2
   * writes it), in every mode of {@code commitIfAbsent} too.
   */
  @Test
  void anObjectOverTheSinglePutLimitIsWrittenInPartsEvenWhenItFitsOne() throws Exception {
    S3Storage storage = open(s -> s.partSize(16 * 1024 * 1024));
    byte[] atLimit = bytes(S3Config.SINGLE_PUT_LIMIT, 5);
    byte[] over = bytes(S3Config.SINGLE_PUT_LIMIT + 1, 6);
    log.clear();
    try (StorageWriter writer = storage.writer("limit/at")) {
      writer.write(atLimit);
      writer.commit();
    }
    assertEquals(List.of("PutObject"), log.operations(), "at the limit");
    log.clear();
    try (StorageWriter writer = storage.writer("limit/over")) {
      writer.write(over);
      writer.commit();
    }
    assertEquals(List.of("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"),
        log.operations(), "one byte over it");
    assertArrayEquals(atLimit, storage.read("limit/at"));
    assertArrayEquals(over, storage.read("limit/over"));
    assertEquals(over.length, storage.stat("limit/over").orElseThrow().size());
    for (boolean conditional : List.of(true, false)) {
      S3Storage s = open(c -> c.partSize(16 * 1024 * 1024).conditionalWrites(conditional));
      String mode = s.createIfAbsentMode().name();
      try (StorageWriter writer = s.writer("limit/if-absent-" + conditional)) {
        writer.write(over);
        assertTrue(writer.commitIfAbsent(), mode + ": first");
      }
      try (StorageWriter writer = s.writer("limit/if-absent-" + conditional)) {
        writer.write(atLimit);
        writer.write(utf8("and more"));
        assertFalse(writer.commitIfAbsent(), mode + ": second");
      }
      assertArrayEquals(over, s.read("limit/if-absent-" + conditional), mode);
    }
  }

  @Test
  void cancelAbortsTheMultipartUpload() throws Exception {
    S3Storage storage = open(s -> s);
    try (StorageWriter writer = storage.writer("gone/blob")) {
      writer.write(bytes(PART + 1, 2));
      writer.cancel();
    }
    assertEquals(1, log.count("AbortMultipartUpload"));
    try (S3Client raw = server().client()) {
      String prefix = storage.config().rootPrefix() + "/";
      assertEquals(List.of(), raw.listMultipartUploads(b -> b.bucket(server().bucket())
          .prefix(prefix)).uploads(), "no upload left open");
    }
    assertTrue(storage.stat("gone").isEmpty());
  }

  @Test
  void multipartCommitIfAbsentKeepsTheFirstInEveryMode() throws Exception {
    for (boolean conditional : List.of(true, false)) {
      S3Storage storage = open(s -> s.conditionalWrites(conditional));
      byte[] first = bytes(PART + 100, 3);
      try (StorageWriter writer = storage.writer("p/0")) {
        writer.write(first);
        assertTrue(writer.commitIfAbsent(), storage.createIfAbsentMode() + ": first");
      }
      try (StorageWriter writer = storage.writer("p/0")) {
        writer.write(bytes(PART + 200, 4));
        assertFalse(writer.commitIfAbsent(), storage.createIfAbsentMode() + ": second");
      }
      assertArrayEquals(first, storage.read("p/0"), storage.createIfAbsentMode().name());
      try (S3Client raw = server().client()) {
        assertEquals(List.of(), raw.listMultipartUploads(b -> b.bucket(server().bucket())
            .prefix(storage.config().rootPrefix() + "/")).uploads(), "the refused upload is gone");
      }
    }
  }

  /** The store's conditional PUT under races: one winner per key, and its bytes are stored. */
  @Test
  void conditionalCreatesRaceToOneWinner() throws Exception {
    S3Storage storage = open(s -> s);
    int keys = 20;
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      for (int k = 0; k < keys; k++) {
        String path = "race/" + k;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          byte[] content = utf8("writer " + w);
          results.add(pool.submit(() -> {
            go.await();
            return storage.writeIfAbsent(path, content);
          }));
        }
        go.countDown();
        List<Integer> winners = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          if (results.get(w).get()) {
            winners.add(w);
          }
        }
        assertEquals(1, winners.size(), path + ": " + winners);
        assertArrayEquals(utf8("writer " + winners.get(0)), storage.read(path), path);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void writeIfAbsentInTheFallbackModeCreatesOnce() {
    S3Storage storage = open(s -> s.conditionalWrites(false));
    assertTrue(storage.writeIfAbsent("once", utf8("first")));
    assertFalse(storage.writeIfAbsent("once", utf8("second")));
    assertArrayEquals(utf8("first"), storage.read("once"));
  }

  @Test
  void movesALargeObjectWithAMultipartCopy() {
    S3Storage storage = open(Clock.systemUTC(), s -> s, PART + 1);
    byte[] content = bytes(2 * PART + 3, 5);
    storage.write("from/blob", content);
    log.clear();
    storage.move("from/blob", "to/blob");
    // Parts of the copy limit: PART + 1, PART + 1, and the last byte.
    assertEquals(3, log.count("UploadPartCopy"));
    assertArrayEquals(content, storage.read("to/blob"));
    assertTrue(storage.stat("from").isEmpty());
  }

  @Test
  void listingFollowsNameOrderAcrossPages() {
    // S3 sorts the directory v1 as "v1/", after v1-rc and v1.0; as names it comes first.
    List<String> names = List.of("v1", "v1-rc", "v1.0", "v1a", "v10", "v1-", "a", "a-b", "a.c",
        "a_b", "b", "-x", ".y", "z");
    S3Storage storage = open(s -> s);
    Storage oracle = InMemoryStorage.create(Clock.systemUTC());
    for (int i = 0; i < names.size(); i++) {
      String path = "d/" + names.get(i) + (i % 2 == 0 ? "/child" : "");
      storage.write(path, utf8(path));
      oracle.write(path, utf8(path));
    }
    List<String> starts = new ArrayList<>(names);
    starts.add(null);
    starts.add("");
    starts.add("v1-a");
    for (String startAfter : starts) {
      for (int limit : List.of(1, 2, 3, 100)) {
        assertEquals(oracle.list("d", startAfter, limit), storage.list("d", startAfter, limit),
            "after " + startAfter + ", " + limit);
      }
    }
  }

  @Test
  void listingAndStatReadOnlyTheirDirectory() {
    S3Storage storage = open(s -> s);
    for (int i = 0; i < 3; i++) {
      storage.write("a/" + i, utf8("a"));
    }
    for (int i = 0; i < 30; i++) {
      storage.write("b/" + i, utf8("b"));
    }
    log.clear();
    assertEquals(List.of("0", "1", "2"), storage.list("a"));
    assertEquals(List.of("ListObjectsV2"), log.operations());
    RequestLog.Request listing = log.all().get(0);
    assertEquals(List.of(storage.config().rootPrefix() + "/a/"), listing.query().get("prefix"));
    assertEquals(List.of("/"), listing.query().get("delimiter"));
    log.clear();
    assertTrue(storage.stat("b").orElseThrow().directory());
    assertEquals(List.of("HeadObject", "ListObjectsV2"), log.operations());
    assertEquals(List.of("1"), log.all().get(1).query().get("max-keys"));
  }

  /** More than one page (1,000 keys) everywhere: listing, walking, deleting in batches. */
  @Test
  void listsWalksAndDeletesPastOnePage() throws Exception {
    S3Storage storage = open(s -> s);
    int count = S3Listing.PAGE + 5;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> writes = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String path = String.format("many/%04d", i);
        writes.add(pool.submit(() -> storage.write(path, utf8("x"))));
      }
      for (Future<?> write : writes) {
        write.get();
      }
    } finally {
      pool.shutdownNow();
    }
    log.clear();
    List<String> names = storage.list("many");
    assertEquals(count, names.size());
    assertEquals("0000", names.get(0));
    assertEquals(String.format("%04d", count - 1), names.get(count - 1));
    assertEquals(2, log.count("ListObjectsV2"));
    log.clear();
    List<String> walked = new ArrayList<>();
    storage.walk("many", e -> walked.add(e.path()));
    assertEquals(count, walked.size());
    assertEquals(2, log.count("ListObjectsV2"));
    log.clear();
    assertTrue(storage.delete("many"));
    assertEquals(2, log.count("DeleteObjects"));
    assertTrue(storage.stat("many").isEmpty());
  }

  @Test
  void walkTakesTimesFromTheListingWhenTheClocksAgree() {
    S3Storage storage = open(s -> s);
    for (String path : List.of("w/1", "w/d/2", "w/d/e/3")) {
      storage.write(path, utf8(path));
    }
    log.clear();
    List<StorageEntry> walked = new ArrayList<>();
    storage.walk("w", walked::add);
    assertEquals(List.of("ListObjectsV2"), log.operations(), "no request per object");
    assertEquals(3, walked.size());
    for (StorageEntry entry : walked) {
      Instant stamped = storage.stat(entry.path()).orElseThrow().modified();
      // Within the tolerance, plus the second that some stores cut from Last-Modified.
      assertTrue(Duration.between(stamped, entry.modified()).abs()
          .compareTo(ModificationTimes.TOLERANCE.plusSeconds(1)) <= 0, entry + " vs " + stamped);
    }
  }

  @Test
  void walkAsksEachObjectWhenTheClocksDisagree() {
    TestClock ahead = new TestClock(Instant.now().plus(Duration.ofHours(2))
        .truncatedTo(ChronoUnit.SECONDS));
    S3Storage storage = open(ahead, s -> s, S3Copies.COPY_LIMIT);
    for (String path : List.of("w/1", "w/2")) {
      storage.write(path, utf8(path));
    }
    log.clear();
    List<Instant> times = new ArrayList<>();
    storage.walk("w", e -> times.add(e.modified()));
    assertEquals(List.of("ListObjectsV2", "HeadObject", "HeadObject"), log.operations());
    assertEquals(List.of(ahead.instant(), ahead.instant()), times);
  }

  @Test
  void keysAreExactlyTheStoragePathsUnderThePrefix() {
    S3Storage storage = open(s -> s);
    String path = "docker/registry/v2/blobs/sha256/ab/abcd/data";
    storage.write(path, utf8("blob"));
    try (S3Client raw = server().client()) {
      String prefix = storage.config().rootPrefix() + "/";
      List<String> keys = raw.listObjectsV2(b -> b.bucket(server().bucket()).prefix(prefix))
          .contents().stream().map(o -> o.key()).toList();
      assertEquals(List.of(prefix + path), keys);
      assertTrue(raw.headObject(b -> b.bucket(server().bucket()).key(prefix + path)).metadata()
          .containsKey(ModificationTimes.KEY));
    }
  }

  @Test
  void readsWhatOtherToolsWrote() {
    S3Storage storage = open(s -> s);
    String prefix = storage.config().rootPrefix() + "/";
    try (S3Client raw = server().client()) {
      // registry:2 writes no Berth metadata; some tools write "folder/" marker objects.
      raw.putObject(b -> b.bucket(server().bucket()).key(prefix + "r2/data"),
          software.amazon.awssdk.core.sync.RequestBody.fromString("by registry:2"));
      raw.putObject(b -> b.bucket(server().bucket()).key(prefix + "r2/folder/"),
          software.amazon.awssdk.core.sync.RequestBody.empty());
    }
    StorageEntry entry = storage.stat("r2/data").orElseThrow();
    assertTrue(Duration.between(entry.modified(), Instant.now()).abs().toMinutes() < 5,
        "the store's own time for objects without Berth's stamp: " + entry);
    assertEquals(List.of("data", "folder"), storage.list("r2"));
    List<String> walked = new ArrayList<>();
    storage.walk("r2", e -> walked.add(e.path()));
    assertEquals(List.of("r2/data"), walked);
  }
}
