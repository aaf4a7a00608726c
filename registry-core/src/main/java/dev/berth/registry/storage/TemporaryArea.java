package dev.berth.registry.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.UUID;

/**
 * Where one {@link FileSystemStorage} instance writes its temporary files:
 * {@code <root>/.berth-tmp/<instance>/}. The instance holds an exclusive lock on
 * {@code <instance>/owner.lock} while it lives; the operating system drops the lock when the process
 * ends, however it ends (a kill -9 included). A starting instance removes the folders of every
 * other instance whose lock it can take: their owner is gone, so no live writer can own what they
 * hold. Folders of live instances (another process, or another storage in this JVM) are left
 * alone. Loose files directly under {@code .berth-tmp} come from versions before this scheme and
 * are removed once a day old.
 */
final class TemporaryArea implements AutoCloseable {

  static final String LOCK = "owner.lock";
  private static final Duration LEGACY_AGE = Duration.ofDays(1);

  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private TemporaryArea(Path directory, FileChannel lockChannel, FileLock lock) {
    this.directory = directory;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** Claims a fresh folder under {@code parent} and clears what dead instances left there. */
  static TemporaryArea claim(Path parent) throws IOException {
    Files.createDirectories(parent);
    Path mine = parent.resolve(UUID.randomUUID().toString());
    Files.createDirectory(mine);
    FileChannel channel = FileChannel.open(mine.resolve(LOCK), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.lock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    TemporaryArea area = new TemporaryArea(mine, channel, lock);
    area.removeLeftovers(parent);
    return area;
  }

  Path directory() {
    return directory;
  }

  /** A new, unique temporary file path (not created). */
  Path newFile() {
    return directory.resolve(UUID.randomUUID().toString());
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
