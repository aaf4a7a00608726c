package dev.berth.registry.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where one {@link FileSystemStorage} instance writes its temporary files:
 * {@code <root>/.berth-tmp/<instance>/}. The instance holds an exclusive lock on
 * {@code <instance>/owner.lock} while it lives; the operating system drops the lock when the process
 * ends, however it ends (a kill -9 included). A starting instance removes the folders of every
 * other instance whose lock it can take: their owner is gone, so no live writer can own what they
 * hold. Folders of live instances (another process, or another storage in this JVM) are left
 * alone. Loose files directly under {@code .berth-tmp} come from versions before this scheme and
 * are removed once a day old.
 *
 * <p>The lock file holds the kernel's boot id. A dead instance's folder from another boot means the
 * machine went down under it (a power loss, a crash, a reset): writes it made without flushing may
 * be lost, which {@link #foundUncleanReboot()} reports. A folder from this boot means only the
 * process died (kill -9 included), which loses nothing the kernel had accepted.
 */
final class TemporaryArea implements AutoCloseable {

  static final String LOCK = "owner.lock";
  private static final Duration LEGACY_AGE = Duration.ofDays(1);

  private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

  private final Path directory;
  private final AtomicLong files = new AtomicLong();
  private final FileChannel lockChannel;
  private final FileLock lock;
  private boolean uncleanReboot;

  private TemporaryArea(Path directory, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Claims a fresh folder under {@code parent} and clears what dead instances left there. */
  static TemporaryArea claim(Path parent) throws IOException {
    Files.createDirectories(parent);
    Path mine = createFolder(parent);
    FileChannel channel = FileChannel.open(mine.resolve(LOCK), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.lock();
      channel.write(java.nio.ByteBuffer.wrap(bootId().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    TemporaryArea area = new TemporaryArea(mine, channel, lock);
    area.removeLeftovers(parent);
    return area;
  }

  /**
   * A new folder of a random name: 128 bits from {@link ThreadLocalRandom}, drawn again in the
   * unlikely case the name is taken ({@code createDirectory} refuses it atomically). Not
   * {@code UUID.randomUUID()}: the first one seeds a {@code SecureRandom}, tens of milliseconds of
   * a first start, and a folder name needs to be unique, not secret.
   */
  private static Path createFolder(Path parent) throws IOException {
    while (true) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      Path candidate = parent.resolve(Long.toHexString(random.nextLong())
          + Long.toHexString(random.nextLong()));
      try {
        return Files.createDirectory(candidate);
      } catch (FileAlreadyExistsException taken) {
        // Draw another name.
      }
    }
  }

  Path directory() {
    return directory;
  }

  /** Whether an instance that ended during another boot left its folder (see class comment). */
  boolean foundUncleanReboot() {
    return uncleanReboot;
  }

  /** This boot's id; "unknown" where the kernel does not say (every dead folder then counts). */
  private static String bootId() {
    try {
      return Files.readString(BOOT_ID, StandardCharsets.UTF_8).trim();
    } catch (IOException | UnsupportedOperationException e) {
      return "unknown";
    }
  }

  /**
   * A new, unique temporary file path (not created): a counter, since the folder is this
   * instance's alone.
   */
  Path newFile() {
    return directory.resolve("t" + files.incrementAndGet());
  }

  private void removeLeftovers(Path parent) {
    long legacyCutoff = System.currentTimeMillis() - LEGACY_AGE.toMillis();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
      for (Path entry : entries) {
        if (entry.equals(directory)) {
          continue;
        }
        try {
          if (Files.isDirectory(entry)) {
            if (ownerIsGone(entry)) {
              uncleanReboot |= !sameBoot(entry);
              LocalDisk.deleteTree(entry);
            }
          } else if (Files.getLastModifiedTime(entry).toMillis() < legacyCutoff) {
            Files.deleteIfExists(entry);
          }
        } catch (IOException ignored) {
          // Gone already, or not ours to delete: leave it for a later start.
        }
      }
    } catch (IOException ignored) {
      // Nothing to clean.
    }
  }

  private static boolean sameBoot(Path folder) {
    try {
      String id = bootId();
      return !id.equals("unknown") && id.equals(Files.readString(folder.resolve(LOCK),
          StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the instance that owns {@code folder} has ended: its lock can be taken. */
  private static boolean ownerIsGone(Path folder) throws IOException {
    Path lockFile = folder.resolve(LOCK);
    FileChannel channel;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
    } catch (NoSuchFileException e) {
      // The owner was killed between creating its folder and its lock file; a live owner creates
      // the lock file in the same moment, so an old enough folder is abandoned.
      return Files.getLastModifiedTime(folder).toMillis()
          < System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
    }
    try (channel) {
      FileLock taken = channel.tryLock();
      if (taken == null) {
        return false;
      }
      taken.release();
      return true;
    } catch (OverlappingFileLockException sameJvm) {
      return false;
    }
  }

  /** Releases the lock and removes the folder with whatever is left in it. */
  @Override
  public void close() {
    try {
      LocalDisk.deleteTree(directory);
    } catch (IOException ignored) {
      // The next instance to start removes it.
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // Closing the channel is all that matters, and the process end does it too.
    }
  }
}
