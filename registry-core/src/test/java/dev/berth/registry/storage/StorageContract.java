package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} must do. An implementation's test is a subclass that says how to make
 * one; the suite checks, after each test, that the test deleted what it wrote and that nothing is
 * left behind (no stray temporary objects, no empty directories). That check runs before any
 * clean-up, so a leftover fails the test; only then is the storage emptied for the next one.
 */
public abstract class StorageContract extends StorageMoveContract {

  @Test
  void writesAndReadsBack() {
    storage.write("a/b/c", utf8("hello"));
    assertArrayEquals(utf8("hello"), storage.read("a/b/c"));
    StorageEntry entry = storage.stat("a/b/c").orElseThrow();
    assertEquals(5, entry.size());
    assertFalse(entry.directory());
    assertEquals("a/b/c", entry.path());
    assertTrue(storage.stat("a/b").orElseThrow().directory());
    storage.delete("a");
  }

  @Test
  void statObjectSeesObjectsOnly() {
    storage.write("a/b/c", utf8("hello"));
    StorageEntry entry = storage.statObject("a/b/c").orElseThrow();
    assertEquals(5, entry.size());
    assertFalse(entry.directory());
    assertEquals("a/b/c", entry.path());
    assertEquals(storage.stat("a/b/c").orElseThrow().modified(), entry.modified());
    assertTrue(storage.statObject("a/b").isEmpty(), "a folder is not an object");
    assertTrue(storage.statObject("a/b/nope").isEmpty());
    storage.delete("a");
    assertTrue(storage.statObject("a/b/c").isEmpty());
  }

  @Test
  void writeReplacesAtomically() {
    storage.write("x", utf8("one"));
    storage.write("x", utf8("two, longer"));
    assertArrayEquals(utf8("two, longer"), storage.read("x"));
    storage.delete("x");
  }

  @Test
  void aFingerprintChangesWithTheContentOnly() {
    assertTrue(storage.fingerprint("m").isEmpty());
    storage.write("m", utf8("first value"));
    String first = storage.fingerprint("m").orElseThrow();
    assertEquals(first, storage.fingerprint("m").orElseThrow());
    // Same length, other bytes: a size and a modification time (seconds on S3) would not tell.
    storage.write("m", utf8("other value"));
    String second = storage.fingerprint("m").orElseThrow();
    assertNotEquals(first, second);
    storage.write("m", utf8("first value"), false);
    assertNotEquals(second, storage.fingerprint("m").orElseThrow());
    storage.delete("m");
    assertTrue(storage.fingerprint("m").isEmpty());
    storage.write("d/f", utf8("x"));
    assertTrue(storage.fingerprint("d").isEmpty(), "a folder has none");
    storage.delete("d");
  }

  @Test
  void missingObjectsAreTypedNotFound() {
    assertTrue(storage.stat("nope").isEmpty());
    assertThrows(ObjectNotFoundException.class, () -> storage.read("nope"));
    assertThrows(ObjectNotFoundException.class, () -> storage.open("nope", 0));
    assertThrows(ObjectNotFoundException.class, () -> storage.move("nope", "there"));
    assertFalse(storage.delete("nope"));
    assertFalse(storage.touch("nope"));
    assertEquals(List.of(), storage.list("nope"));
    storage.walk("nope", e -> {
      throw new AssertionError("walked " + e);
    });
  }

  @Test
  void readingADirectoryIsNotFound() {
    storage.write("d/f", utf8("x"));
    assertThrows(ObjectNotFoundException.class, () -> storage.read("d"));
    storage.delete("d");
  }

  @Test
  void opensAtAnOffset() throws IOException {
    storage.write("o", utf8("0123456789"));
    try (InputStream in = storage.open("o", 4)) {
      assertArrayEquals(utf8("456789"), in.readAllBytes());
    }
    try (InputStream in = storage.open("o", 10)) {
      assertArrayEquals(new byte[0], in.readAllBytes());
    }
    storage.delete("o");
  }

  @Test
  void writeIfAbsentCreatesOnce() {
    assertTrue(storage.writeIfAbsent("once", utf8("first")));
    assertFalse(storage.writeIfAbsent("once", utf8("second")));
    assertArrayEquals(utf8("first"), storage.read("once"));
    storage.delete("once");
  }

  @Test
  void concurrentWriteIfAbsentHasOneWinner() throws Exception {
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      byte[] content = utf8("writer " + i);
      results.add(pool.submit(() -> {
        go.await();
        return storage.writeIfAbsent("race/target", content);
      }));
    }
    go.countDown();
    int winners = 0;
    for (Future<Boolean> r : results) {
      winners += r.get() ? 1 : 0;
    }
    pool.shutdown();
    assertEquals(1, winners);
    assertTrue(new String(storage.read("race/target"), StandardCharsets.UTF_8).startsWith("writer "));
    storage.delete("race");
  }

  @Test
  void streamingWriterIsInvisibleUntilCommit() throws IOException {
    try (StorageWriter writer = storage.writer("big/object")) {
      byte[] chunk = new byte[64 * 1024];
      for (int i = 0; i < 16; i++) {
        chunk[0] = (byte) i;
        writer.write(chunk);
      }
      assertEquals(16 * 64 * 1024, writer.size());
      assertTrue(storage.stat("big/object").isEmpty(), "nothing visible before commit");
      writer.commit();
    }
    assertEquals(16 * 64 * 1024, storage.stat("big/object").orElseThrow().size());
    storage.delete("big");
  }

  @Test
  void cancelledWriterLeavesNothing() throws IOException {
    try (StorageWriter writer = storage.writer("gone/object")) {
      writer.write(utf8("never seen"));
      writer.cancel();
    }
    try (StorageWriter writer = storage.writer("gone/other")) {
      writer.write(utf8("closed without commit"));
    }
    assertTrue(storage.stat("gone").isEmpty());
  }

  @Test
  void commitIfAbsentKeepsTheFirst() throws IOException {
    try (StorageWriter first = storage.writer("p")) {
      first.write(utf8("first"));
      assertTrue(first.commitIfAbsent());
    }
    try (StorageWriter second = storage.writer("p")) {
      second.write(utf8("second"));
      assertFalse(second.commitIfAbsent());
    }
    assertArrayEquals(utf8("first"), storage.read("p"));
    storage.delete("p");
  }

  @Test
  void movesReplacingTheTarget() {
    storage.write("from/x", utf8("moved"));
    storage.write("to/y", utf8("old"));
    storage.move("from/x", "to/y");
    assertArrayEquals(utf8("moved"), storage.read("to/y"));
    assertTrue(storage.stat("from/x").isEmpty());
    assertTrue(storage.stat("from").isEmpty(), "an emptied directory disappears");
    storage.delete("to");
  }

  @Test
  void opensWholeWithTheSize() throws IOException {
    storage.write("s/ten", utf8("0123456789"));
    storage.write("s/empty", new byte[0]);
    try (SizedStream ten = storage.openSized("s/ten");
        SizedStream empty = storage.openSized("s/empty")) {
      assertEquals(10, ten.size());
      assertArrayEquals(utf8("0123456789"), ten.in().readAllBytes());
      assertEquals(0, empty.size());
      assertArrayEquals(new byte[0], empty.in().readAllBytes());
    }
    assertThrows(ObjectNotFoundException.class, () -> storage.openSized("s/nope"));
    assertThrows(ObjectNotFoundException.class, () -> storage.openSized("s"), "a directory");
    storage.delete("s");
  }

  @Test
  void discardDeletesAnObjectAndIgnoresAMissingOne() {
    storage.write("g/one", utf8("1"));
    storage.write("g/two", utf8("2"));
    storage.discard("g/one");
    assertTrue(storage.stat("g/one").isEmpty());
    storage.discard("g/one");
    assertArrayEquals(utf8("2"), storage.read("g/two"));
    storage.discard("g/two");
    assertTrue(storage.stat("g").isEmpty(), "directories exist only while they hold objects");
  }

  @Test
  void deletesATreeAndPrunesEmptyParents() {
    storage.write("t/a/1", utf8("1"));
    storage.write("t/a/2", utf8("2"));
    storage.write("t/b/3", utf8("3"));
    assertTrue(storage.delete("t/a"));
    assertTrue(storage.stat("t/a").isEmpty());
    assertArrayEquals(utf8("3"), storage.read("t/b/3"));
    assertTrue(storage.delete("t/b/3"));
    assertTrue(storage.stat("t").isEmpty(), "directories exist only while they hold objects");
  }

  @Test
  void listsChildrenInLexicalOrderWithPaging() {
    for (String name : List.of("b", "a-b", "a", "a.c", "c/x", "c/y", "a-c/nested", "_u/v")) {
      storage.write("l/" + name, utf8(name));
    }
    assertEquals(List.of("_u", "a", "a-b", "a-c", "a.c", "b", "c"), storage.list("l"));
    assertEquals(List.of("a-b", "a-c"), storage.list("l", "a", 2));
    assertEquals(List.of("b", "c"), storage.list("l", "a.c", 10));
    assertEquals(List.of(), storage.list("l", "c", 10));
    assertEquals(List.of("x", "y"), storage.list("l/c"));
    storage.delete("l");
  }

  @Test
  void listsTheChildrenHoldingAnObjectAtARelativePath() {
    for (String key : List.of("a/current/link", "a-b/current/link", "a-b/index/x/link",
        "b/index/x/link", "c/current/link/deeper", "d/x/current/link", "e/current/linked",
        "f/current/link", "_g/current/link")) {
      storage.write("t/" + key, utf8(key));
    }
    storage.write("t/h", utf8("a plain object"));

    assertEquals(List.of("_g", "a", "a-b", "f"), storage.listHolding("t", "current/link"));
    assertEquals(List.of("a-b", "b"), storage.listHolding("t", "index/x/link"));
    assertEquals(List.of(), storage.listHolding("nope", "current/link"));
    storage.delete("t");
  }

  @Test
  void walksEveryObjectUnderADirectory() {
    storage.write("w/1", utf8("1"));
    storage.write("w/d/2", utf8("22"));
    storage.write("w/d/e/3", utf8("333"));
    storage.write("other/4", utf8("4"));
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger bytes = new AtomicInteger();
    storage.walk("w", e -> {
      seen.add(e.path());
      bytes.addAndGet((int) e.size());
      assertFalse(e.directory());
    });
    Collections.sort(seen);
    assertEquals(List.of("w/1", "w/d/2", "w/d/e/3"), seen);
    assertEquals(6, bytes.get());
    storage.delete("w");
    storage.delete("other");
  }

  @Test
  void modificationTimesComeFromTheStorageClock() throws IOException {
    Instant written = clock.instant();
    storage.write("m/small", utf8("x"));
    storage.writeIfAbsent("m/once", utf8("y"));
    try (StorageWriter writer = storage.writer("m/streamed")) {
      writer.write(utf8("z"));
      writer.commit();
    }
    for (String path : List.of("m/small", "m/once", "m/streamed")) {
      assertEquals(written, storage.stat(path).orElseThrow().modified(), path);
    }
    List<Instant> walked = new ArrayList<>();
    storage.walk("m", e -> walked.add(e.modified()));
    assertEquals(List.of(written, written, written), walked);
    storage.delete("m");
  }

  @Test
  void aMovedObjectIsStampedWithTheClocksNow() {
    storage.write("mv/from", utf8("x"));
    clock.advance(Duration.ofHours(3));
    storage.move("mv/from", "mv/to");
    assertEquals(clock.instant(), storage.stat("mv/to").orElseThrow().modified());
    storage.delete("mv");
  }

  @Test
  void touchSetsTheModificationTimeToTheClocksNow() {
    storage.write("t", utf8("x"));
    Instant before = storage.stat("t").orElseThrow().modified();
    clock.advance(Duration.ofMinutes(90));
    assertTrue(storage.touch("t"));
    Instant after = storage.stat("t").orElseThrow().modified();
    assertEquals(before.plus(Duration.ofMinutes(90)), after);
    storage.delete("t");
  }

  @Test
  void rejectsMalformedPaths() {
    for (String bad : List.of("/abs", "a//b", "a/../b", "./a", "a/", "a\\b")) {
      assertThrows(IllegalArgumentException.class, () -> storage.write(bad, utf8("x")), bad);
    }
  }

  @Test
  void concurrentWritersAndDeletersInOneDirectoryLoseNothing() throws Exception {
    // A writer may create a directory that a deleter prunes as empty at the same moment: the
    // write must still land.
    int rounds = 200;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> work = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      int n = i;
      work.add(pool.submit(() -> storage.write("c/" + (n % 5) + "/keep-" + n, utf8("k"))));
      work.add(pool.submit(() -> {
        storage.write("c/" + (n % 5) + "/tmp-" + n, utf8("t"));
        storage.delete("c/" + (n % 5) + "/tmp-" + n);
      }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    for (int i = 0; i < rounds; i++) {
      assertTrue(storage.stat("c/" + (i % 5) + "/keep-" + i).isPresent(), "keep-" + i);
    }
    storage.delete("c");
  }

  /**
   * Two writers in sibling trees, each deleting what it wrote: every delete empties the shared
   * folders ({@code t/a}, {@code t}) that the other writer is creating its path through at that
   * moment. A write must land even when a folder on its way is pruned while it creates the next
   * one (as when the last upload session of a repository ends while another one starts).
   */
  @Test
  void aWriteLandsWhileADeletePrunesTheFoldersOnItsWay() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (String side : List.of("t/a/b/c/one-", "t/a/d/e/two-")) {
        writers.add(pool.submit(() -> {
          for (int n = 0; n < 200; n++) {
            storage.write(side + n, utf8("x"));
            storage.delete(side + n);
          }
          return null;
        }));
      }
      for (Future<?> writer : writers) {
        writer.get(2, java.util.concurrent.TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), storage.list(""), "every write was deleted again");
  }
}
