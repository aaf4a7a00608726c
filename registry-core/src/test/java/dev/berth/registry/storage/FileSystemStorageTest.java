package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemStorageTest extends StorageContract {
  @TempDir
  Path root;

  @Override
  protected Storage create(Clock clock) {
    return FileSystemStorage.at(root, clock);
  }

  @Override
  protected void assertNothingElseLeft() throws Exception {
    try (Stream<Path> temp = Files.list(root.resolve(FileSystemStorage.TEMP_DIR))) {
      assertEquals(List.of(), temp.toList(), "a closed storage leaves no temporary file");
    }
  }

  private Path tempDir() {
    return root.resolve(FileSystemStorage.TEMP_DIR);
  }

  @Test
  void temporaryFilesOfAnEndedInstanceAreRemovedAtStart() throws Exception {
    // What a killed instance leaves: its folder with a lock file nobody holds, and a half-written
    // temporary file.
    Path dead = Files.createDirectories(tempDir().resolve("dead-instance"));
    Files.write(dead.resolve(TemporaryArea.LOCK), new byte[0]);
    Files.write(dead.resolve("half-written"), new byte[1000]);
    try (Storage next = FileSystemStorage.at(root, clock)) {
      assertFalse(Files.exists(dead), "the dead instance's folder is gone");
      next.write("x", "y".getBytes(StandardCharsets.UTF_8));
      next.delete("x");
    }
  }

  /**
   * A process killed during this boot loses nothing the kernel accepted; one that died in another
   * boot (the machine went down) may have lost unflushed writes, and the storage says so.
   */
  @Test
  void anInstanceThatDiedInAnotherBootMeansUnflushedWritesMayBeLost() throws Exception {
    String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
    Path killedNow = Files.createDirectories(tempDir().resolve("killed-this-boot"));
    Files.writeString(killedNow.resolve(TemporaryArea.LOCK), boot);
    try (Storage next = FileSystemStorage.at(root, clock)) {
      assertFalse(next.lostUnflushedWrites(), "a kill -9 loses no accepted write");
    }
    Path beforeReboot = Files.createDirectories(tempDir().resolve("died-in-another-boot"));
    Files.writeString(beforeReboot.resolve(TemporaryArea.LOCK),
        "00000000-0000-0000-0000-000000000000");
    try (Storage next = FileSystemStorage.at(root, clock)) {
      assertTrue(next.lostUnflushedWrites());
      assertFalse(Files.exists(beforeReboot));
    }
    try (Storage again = FileSystemStorage.at(root, clock)) {
      assertFalse(again.lostUnflushedWrites(), "once cleared, the next start is clean");
    }
  }

  @Test
  void temporaryFilesOfALiveInstanceInThisJvmStay() throws Exception {
    Path live;
    try (Stream<Path> folders = Files.list(tempDir())) {
      live = folders.findFirst().orElseThrow();
    }
    Path inFlight = Files.write(live.resolve("in-flight"), new byte[10]);
    try (Storage second = FileSystemStorage.at(root, clock)) {
      assertTrue(Files.exists(inFlight), "a live instance's temporary file is left alone");
    }
    Files.delete(inFlight);
  }

  /** Another process holds its lock (as a running registry does): its files stay until it ends. */
  @Test
  void temporaryFilesOfAnotherLiveProcessStayUntilItEnds() throws Exception {
    Path folder = Files.createDirectories(tempDir().resolve("other-process"));
    Path lock = folder.resolve(TemporaryArea.LOCK);
    Files.write(lock, new byte[0]);
    Files.write(folder.resolve("in-flight"), new byte[10]);
    Path holder = root.getParent().resolve("HoldLock-" + System.nanoTime() + ".java");
    Files.writeString(holder, """
        import java.nio.channels.FileChannel;
        import java.nio.file.Path;
        import java.nio.file.StandardOpenOption;
        public class HoldLock {
          public static void main(String[] args) throws Exception {
            try (FileChannel c = FileChannel.open(Path.of(args[0]), StandardOpenOption.WRITE)) {
              c.lock();
              System.out.println("locked");
              System.out.flush();
              System.in.read();
            }
          }
        }
        """);
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), holder.toString(), lock.toString()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      try (Storage second = FileSystemStorage.at(root, clock)) {
        assertTrue(Files.exists(folder.resolve("in-flight")), "kept while its owner lives");
      }
    } finally {
      process.destroyForcibly();
      assertTrue(process.waitFor(30, TimeUnit.SECONDS));
      Files.delete(holder);
    }
    try (Storage third = FileSystemStorage.at(root, clock)) {
      assertFalse(Files.exists(folder), "removed once its owner was killed");
    }
  }

  @Test
  void looseTemporaryFilesFromOlderVersionsGoOnceADayOld() throws Exception {
    Path old = Files.write(tempDir().resolve("old-loose"), new byte[1]);
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
    Path young = Files.write(tempDir().resolve("young-loose"), new byte[1]);
    try (Storage next = FileSystemStorage.at(root, clock)) {
      assertFalse(Files.exists(old));
      assertTrue(Files.exists(young));
    }
    Files.delete(young);
  }

  @Test
  void withoutFlushingWritesWorkAlike() throws Exception {
    try (Storage fast = FileSystemStorage.at(root, clock, false)) {
      fast.write("f/a", "a".getBytes(StandardCharsets.UTF_8));
      assertTrue(fast.writeIfAbsent("f/b", "b".getBytes(StandardCharsets.UTF_8)));
      try (StorageWriter w = fast.writer("f/c")) {
        w.write("c".getBytes(StandardCharsets.UTF_8));
        w.commit();
      }
      assertArrayEquals("c".getBytes(StandardCharsets.UTF_8), fast.read("f/c"));
      assertEquals(clock.instant(), fast.stat("f/a").orElseThrow().modified());
      fast.delete("f");
    }
  }

  @Test
  void aStorageRootThatCannotBeCreatedSaysWhy() throws Exception {
    Path file = Files.write(root.resolve("a-file"), new byte[1]);
    StorageException e = assertThrows(StorageException.class,
        () -> FileSystemStorage.at(file.resolve("below"), clock));
    assertTrue(e.getMessage().contains("Not a directory") || e.getMessage().contains("exists"),
        e.getMessage());
    Files.delete(file);
  }

  /** A large object is flushed in the background as it arrives; what lands is exactly what came. */
  @Test
  void aLargeObjectFlushedWhileWrittenLandsIntact() throws Exception {
    long size = 2 * FileSystemWriter.WRITE_BACK_STEP + 12_345;
    java.security.MessageDigest written = java.security.MessageDigest.getInstance("SHA-256");
    byte[] chunk = new byte[1 << 20];
    java.util.Random random = new java.util.Random(7);
    try (StorageWriter writer = storage.writer("big/flushed")) {
      for (long left = size; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        int n = (int) Math.min(chunk.length, left);
        writer.write(chunk, 0, n);
        written.update(chunk, 0, n);
      }
      writer.commit();
    }
    java.security.MessageDigest read = java.security.MessageDigest.getInstance("SHA-256");
    try (java.io.InputStream in = storage.open("big/flushed", 0)) {
      for (int n; (n = in.read(chunk)) > 0; ) {
        read.update(chunk, 0, n);
      }
    }
    assertArrayEquals(written.digest(), read.digest());
    assertEquals(size, storage.stat("big/flushed").orElseThrow().size());
    storage.delete("big");
  }
}
