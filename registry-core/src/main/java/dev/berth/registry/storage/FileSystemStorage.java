package dev.berth.registry.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@link Storage} on a local directory. Writes go to a temporary file under {@value #TEMP_DIR} at
 * the root (same file system, ignored by {@code registry:2}; see {@link TemporaryArea}) and are
 * renamed into place, so readers never see a partial object. Directories left empty by a delete are
 * removed, so that a directory exists only while it holds an object, as on an object store.
 *
 * <p>Durable by default: the bytes of every object are flushed to the disk before it is renamed
 * into place, and the folder entries the rename created are flushed after it, so that whatever the
 * registry acknowledged survives a power loss (docs/design/storage.md). Modification times come
 * from the storage's {@link Clock}, so that a test clock ages objects without sleeping.
 */
public final class FileSystemStorage implements Storage {

  /** Temporary files live here, under the root; never listed or walked. */
  public static final String TEMP_DIR = ".berth-tmp";

  private final Path root;
  private final Path temp;
  private final Clock clock;
  private final boolean durable;
  private final TemporaryArea area;
  private final java.util.concurrent.ThreadPoolExecutor flusher = LocalDisk.flusherPool();

  private FileSystemStorage(Path root, Clock clock, boolean durable) {
    this.root = root.toAbsolutePath().normalize();
    this.temp = this.root.resolve(TEMP_DIR);
    this.clock = clock;
    this.durable = durable;
    try {
      this.area = TemporaryArea.claim(temp);
    } catch (IOException e) {
      throw StorageFullException.of("cannot create storage directory " + temp + ": "
          + LocalDisk.reason(e), e);
    }
  }

  /** A durable storage rooted at {@code root} (created if missing), aging objects by the wall clock. */
  public static FileSystemStorage at(Path root) {
    return new FileSystemStorage(root, Clock.systemUTC(), true);
  }

  /** A durable storage whose modification times come from {@code clock}. */
  public static FileSystemStorage at(Path root, Clock clock) {
    return new FileSystemStorage(root, clock, true);
  }

  /**
   * A storage whose modification times come from {@code clock}.
   *
   * @param durable flush bytes and folder entries to the disk before a write returns; without it a
   *     write survives a killed process but not a power loss
   */
  public static FileSystemStorage at(Path root, Clock clock, boolean durable) {
    return new FileSystemStorage(root, clock, durable);
  }

  public Path root() {
    return root;
  }

  boolean durable() {
    return durable;
  }

  /** Flushes large objects while they are written ({@link FileSystemWriter}); stops on close. */
  java.util.concurrent.ExecutorService flusher() {
    return flusher;
  }

  /** Gives a file the storage clock's time. */
  void stamp(Path file) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
  }

  private Path resolve(String path) {
    PathSyntax.check(path);
    return path.isEmpty() ? root : root.resolve(path);
  }

  @Override
  public Optional<StorageEntry> stat(String path) {
    Path file = resolve(path);
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      return Optional.of(new StorageEntry(path, attrs.isDirectory() ? 0 : attrs.size(),
          attrs.lastModifiedTime().toInstant(), attrs.isDirectory()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      if (underAFile(file)) {
        // ENOTDIR: a path below an object names nothing, as on the other storages.
        return Optional.empty();
      }
      throw new StorageException("stat " + path, e);
    }
  }

  /** Whether a folder on the way from the root to {@code file} is a file. */
  private boolean underAFile(Path file) {
    for (Path p = file.getParent(); p != null && p.startsWith(root) && !p.equals(root);
        p = p.getParent()) {
      if (Files.isRegularFile(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public InputStream open(String path, long offset) {
    Path file = resolve(path);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(path);
    } catch (IOException e) {
      if (Files.isDirectory(file)) {
        throw new ObjectNotFoundException(path);
      }
      throw new StorageException("open " + path, e);
    }
    try {
      if (offset > 0) {
        channel.position(offset);
      }
      return Channels.newInputStream(channel);
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new StorageException("open " + path + " at " + offset, e);
    }
  }

  @Override
  public byte[] read(String path) {
    Path file = resolve(path);
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(path);
    } catch (IOException e) {
      if (Files.isDirectory(file)) {
        throw new ObjectNotFoundException(path);
      }
      throw new StorageException("read " + path, e);
    }
  }

  @Override
  public void write(String path, byte[] content) {
    write(path, content, true);
  }

  @Override
  public void write(String path, byte[] content, boolean flush) {
    Path target = checkedTarget(path);
    Path tempFile = writeTemporary(path, content, durable && flush);
    try {
      LocalDisk.moveIntoPlace(tempFile, target, durable && flush);
    } catch (IOException e) {
      deleteQuietly(tempFile);
      throw StorageFullException.of("write " + path, e);
    }
  }

  @Override
  public boolean lostUnflushedWrites() {
    return area.foundUncleanReboot();
  }

  @Override
  public boolean writeIfAbsent(String path, byte[] content) {
    Path target = checkedTarget(path);
    Path tempFile = writeTemporary(path, content, durable);
    try {
      return LocalDisk.linkIntoPlace(tempFile, target, durable);
    } catch (IOException e) {
      throw StorageFullException.of("write " + path, e);
    } finally {
      deleteQuietly(tempFile);
    }
  }

  /** Small objects (links, markers, index entries) go to disk in one write, no stream buffer. */
  private Path writeTemporary(String path, byte[] content, boolean flush) {
    Path tempFile = area.newFile();
    try (FileChannel channel = FileChannel.open(tempFile, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      if (flush) {
        channel.force(false);
      }
    } catch (IOException e) {
      deleteQuietly(tempFile);
      throw StorageFullException.of("write " + path, e);
    }
    try {
      stamp(tempFile);
    } catch (IOException e) {
      deleteQuietly(tempFile);
      throw StorageFullException.of("write " + path, e);
    }
    return tempFile;
  }

  private Path checkedTarget(String path) {
    Path target = resolve(path);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("cannot write the root");
    }
    return target;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A leftover temporary file is removed when a later instance finds its owner gone.
    }
  }

  @Override
  public StorageWriter writer(String path) {
    Path target = checkedTarget(path);
    try {
      return new FileSystemWriter(this, path, target, area.newFile());
    } catch (IOException e) {
      throw StorageFullException.of("write " + path, e);
    }
  }

  @Override
  public void move(String source, String target) {
    Path from = resolve(source);
    Path to = checkedTarget(target);
    if (!Files.isRegularFile(from)) {
      throw new ObjectNotFoundException(source);
    }
    try {
      stamp(from);
      LocalDisk.moveIntoPlace(from, to, durable);
    } catch (NoSuchFileException e) {
      if (!Files.exists(from)) {
        throw new ObjectNotFoundException(source);
      }
      throw new StorageException("move " + source + " to " + target, e);
    } catch (IOException e) {
      throw StorageFullException.of("move " + source + " to " + target, e);
    }
    LocalDisk.pruneEmptyParents(from.getParent(), root, temp);
  }

  /**
   * One source is renamed; several are joined into a temporary file by the kernel
   * ({@code FileChannel.transferTo}: no copy through the heap) that is renamed into place.
   */
  @Override
  public void move(List<String> sources, String target) {
    if (sources.size() == 1 || sources.contains(target)) {
      Storage.super.move(sources, target);
      return;
    }
    Path to = checkedTarget(target);
    List<Path> from = sources.stream().map(this::resolve).toList();
    Path tempFile = area.newFile();
    try {
      LocalDisk.concatenate(from, tempFile, durable);
      stamp(tempFile);
      LocalDisk.moveIntoPlace(tempFile, to, durable);
    } catch (NoSuchFileException e) {
      deleteQuietly(tempFile);
      String missing = sources.stream().filter(s -> !Files.isRegularFile(resolve(s))).findFirst()
          .orElse(sources.toString());
      throw new ObjectNotFoundException(missing);
    } catch (IOException e) {
      deleteQuietly(tempFile);
      throw StorageFullException.of("move " + sources.size() + " objects to " + target, e);
    }
    for (String source : sources) {
      delete(source);
    }
  }

  @Override
  public boolean delete(String path) {
    Path file = resolve(path);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("refusing to delete the storage root");
    }
    boolean deleted;
    try {
      if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
        deleted = LocalDisk.deleteTree(file);
      } else {
        deleted = Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new StorageException("delete " + path, e);
    }
    LocalDisk.pruneEmptyParents(file.getParent(), root, temp);
    return deleted;
  }

  @Override
  public List<String> list(String directory, String startAfter, int limit) {
    return LocalDisk.list(resolve(directory), directory, directory.isEmpty() ? TEMP_DIR : null,
        startAfter, limit);
  }

  @Override
  public void walk(String directory, Consumer<StorageEntry> visitor) {
    Path start = resolve(directory);
    if (!Files.isDirectory(start)) {
      return;
    }
    try {
      Files.walkFileTree(start, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return dir.equals(temp) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) {
            visitor.accept(new StorageEntry(relative(file), attrs.size(),
                attrs.lastModifiedTime().toInstant(), false));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
          }
          throw new UncheckedIOException(e);
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) {
          if (e != null && !(e instanceof NoSuchFileException)) {
            throw new UncheckedIOException(e);
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (UncheckedIOException e) {
      throw new StorageException("walk " + directory, e.getCause());
    } catch (IOException e) {
      throw new StorageException("walk " + directory, e);
    }
  }

  @Override
  public boolean touch(String path) {
    Path file = resolve(path);
    try {
      stamp(file);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new StorageException("touch " + path, e);
    }
  }

  /** Releases this instance's temporary area; its leftovers are removed. */
  @Override
  public void close() {
    flusher.shutdown();
    area.close();
  }

  @Override
  public String toString() {
    return "filesystem storage at " + root;
  }

  private String relative(Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }
}
