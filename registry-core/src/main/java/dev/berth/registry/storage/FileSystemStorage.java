package dev.berth.registry.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@link Storage} on a local directory. Writes go to a temporary file under {@value #TEMP_DIR} at the
 * root (same file system, ignored by {@code registry:2}) and are renamed into place, so readers
 * never see a partial object. Directories left empty by a delete are removed, so that a directory
 * exists only while it holds an object, as on an object store.
 */
public final class FileSystemStorage implements Storage {

  /** Temporary files live here, under the root; never listed or walked. */
  public static final String TEMP_DIR = ".berth-tmp";

  private static final int MOVE_ATTEMPTS = 50;

  private final Path root;
  private final Path temp;

  private FileSystemStorage(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.temp = this.root.resolve(TEMP_DIR);
    try {
      Files.createDirectories(temp);
    } catch (IOException e) {
      throw new StorageException("cannot create storage directory " + temp, e);
    }
    removeStaleTemporaryFiles();
  }

  /**
   * Temporary files of writes that never finished (a crash, a kill) are removed at start once they
   * are a day old; younger ones may belong to another instance sharing the directory.
   */
  private void removeStaleTemporaryFiles() {
    long cutoff = System.currentTimeMillis() - java.time.Duration.ofDays(1).toMillis();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(temp)) {
      for (Path file : files) {
        try {
          if (Files.getLastModifiedTime(file).toMillis() < cutoff) {
            Files.deleteIfExists(file);
          }
        } catch (IOException ignored) {
          // Gone already, or not ours to delete: leave it.
        }
      }
    } catch (IOException ignored) {
      // Nothing to clean.
    }
  }

  /** A storage rooted at {@code root}, created if missing. */
  public static FileSystemStorage at(Path root) {
    return new FileSystemStorage(root);
  }

  public Path root() {
    return root;
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
      throw new StorageException("stat " + path, e);
    }
  }

  @Override
  public InputStream open(String path, long offset) {
    Path file = resolve(path);
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      if (offset > 0) {
        channel.position(offset);
      }
      return Channels.newInputStream(channel);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(path);
    } catch (IOException e) {
      if (Files.isDirectory(file)) {
        throw new ObjectNotFoundException(path);
      }
      throw new StorageException("open " + path, e);
    }
  }

  @Override
  public byte[] read(String path) {
    try {
      return Files.readAllBytes(resolve(path));
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(path);
    } catch (IOException e) {
      if (Files.isDirectory(resolve(path))) {
        throw new ObjectNotFoundException(path);
      }
      throw new StorageException("read " + path, e);
    }
  }

  @Override
  public void write(String path, byte[] content) {
    Path target = checkedTarget(path);
    Path tempFile = writeTemporary(path, content);
    try {
      moveIntoPlace(tempFile, target);
    } catch (IOException e) {
      deleteQuietly(tempFile);
      throw new StorageException("write " + path, e);
    }
  }

  @Override
  public boolean writeIfAbsent(String path, byte[] content) {
    Path target = checkedTarget(path);
    Path tempFile = writeTemporary(path, content);
    try {
      return linkIntoPlace(tempFile, target);
    } catch (IOException e) {
      throw new StorageException("write " + path, e);
    } finally {
      deleteQuietly(tempFile);
    }
  }

  /** Small objects (links, markers, index entries) go to disk in one write, no stream buffer. */
  private Path writeTemporary(String path, byte[] content) {
    Path tempFile = temp.resolve(UUID.randomUUID().toString());
    try {
      Files.write(tempFile, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      return tempFile;
    } catch (IOException e) {
      deleteQuietly(tempFile);
      throw new StorageException("write " + path, e);
    }
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
      // A leftover temporary file is harmless; a later start-up removes it.
    }
  }

  @Override
  public StorageWriter writer(String path) {
    Path target = checkedTarget(path);
    Path tempFile = temp.resolve(UUID.randomUUID().toString());
    try {
      return new FileWriter(path, target, tempFile);
    } catch (IOException e) {
      throw new StorageException("write " + path, e);
    }
  }

  @Override
  public void move(String source, String target) {
    Path from = resolve(source);
    Path to = resolve(target);
    if (!Files.isRegularFile(from)) {
      throw new ObjectNotFoundException(source);
    }
    try {
      moveIntoPlace(from, to);
    } catch (NoSuchFileException e) {
      if (!Files.exists(from)) {
        throw new ObjectNotFoundException(source);
      }
      throw new StorageException("move " + source + " to " + target, e);
    } catch (IOException e) {
      throw new StorageException("move " + source + " to " + target, e);
    }
    pruneEmptyParents(from.getParent());
  }

  @Override
  public boolean delete(String path) {
    Path file = resolve(path);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("refusing to delete the storage root");
    }
    boolean deleted;
    try {
      if (Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        deleted = deleteTree(file);
      } else {
        deleted = Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new StorageException("delete " + path, e);
    }
    pruneEmptyParents(file.getParent());
    return deleted;
  }

  @Override
  public List<String> list(String directory, String startAfter, int limit) {
    Path dir = resolve(directory);
    // java.io.File.list returns plain names: no Path object per entry, which matters for folders
    // of 10,000 tags or blobs. It answers null for a missing folder and for an I/O error alike.
    String[] names = dir.toFile().list();
    if (names == null) {
      // Missing, not a folder, removed meanwhile, or an I/O error: ask again in a way that says.
      names = listWithErrors(dir, directory);
    }
    List<String> result = new ArrayList<>(names.length);
    for (String name : names) {
      if (directory.isEmpty() && name.equals(TEMP_DIR)) {
        continue;
      }
      if (startAfter == null || name.compareTo(startAfter) > 0) {
        result.add(name);
      }
    }
    if (result.size() > limit && limit < 1024) {
      // A short page out of a long folder: select the smallest names instead of sorting all.
      java.util.PriorityQueue<String> largestKept = new java.util.PriorityQueue<>(
          java.util.Comparator.reverseOrder());
      for (String name : result) {
        largestKept.add(name);
        if (largestKept.size() > limit) {
          largestKept.poll();
        }
      }
      result = new ArrayList<>(largestKept);
    }
    Collections.sort(result);
    return result.size() > limit ? List.copyOf(result.subList(0, limit)) : result;
  }

  private static String[] listWithErrors(Path dir, String directory) {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
      return new String[0];
    } catch (IOException e) {
      throw new StorageException("list " + directory, e);
    }
    return names.toArray(String[]::new);
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
      Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new StorageException("touch " + path, e);
    }
  }

  @Override
  public String toString() {
    return "filesystem storage at " + root;
  }

  private String relative(Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  /**
   * Renames {@code from} onto {@code to}, creating parent directories. A concurrent delete may remove
   * a freshly created, still empty parent (see {@link #pruneEmptyParents}); then the rename is retried.
   */
  private static void moveIntoPlace(Path from, Path to) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createDirectories(to.getParent());
        try {
          Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return;
      } catch (NoSuchFileException e) {
        // A concurrent delete pruned a parent we had just created: create it again.
        if (attempt >= MOVE_ATTEMPTS || !Files.exists(from)) {
          throw e;
        }
      }
    }
  }

  /** Hard-links {@code from} at {@code to} unless {@code to} exists; link(2) is atomic. */
  private static boolean linkIntoPlace(Path from, Path to) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createDirectories(to.getParent());
        Files.createLink(to, from);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (NoSuchFileException e) {
        if (attempt >= MOVE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static boolean deleteTree(Path dir) throws IOException {
    boolean[] any = {false};
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        any[0] |= Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        try {
          Files.deleteIfExists(d);
        } catch (DirectoryNotEmptyException concurrentWrite) {
          // Something was written into it meanwhile: it stays.
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return any[0];
  }

  private void pruneEmptyParents(Path dir) {
    Path current = dir;
    while (current != null && current.startsWith(root) && !current.equals(root)
        && !current.equals(temp)) {
      try {
        Files.delete(current);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      } catch (IOException e) {
        return;
      }
      current = current.getParent();
    }
  }

  private final class FileWriter extends StorageWriter {
    private final String path;
    private final Path target;
    private final Path tempFile;
    private final OutputStream out;
    private long size;
    private boolean done;

    FileWriter(String path, Path target, Path tempFile) throws IOException {
      this.path = path;
      this.target = target;
      this.tempFile = tempFile;
      this.out = new BufferedOutputStream(Files.newOutputStream(tempFile,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 64 * 1024);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      size += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void commit() {
      finish();
      try {
        moveIntoPlace(tempFile, target);
      } catch (IOException e) {
        discard();
        throw new StorageException("commit " + path, e);
      }
    }

    @Override
    public boolean commitIfAbsent() {
      finish();
      try {
        return linkIntoPlace(tempFile, target);
      } catch (IOException e) {
        throw new StorageException("commit " + path, e);
      } finally {
        discard();
      }
    }

    @Override
    public void cancel() {
      if (!done) {
        done = true;
        try {
          out.close();
        } catch (IOException ignored) {
          // The file is removed next.
        }
      }
      discard();
    }

    private void finish() {
      if (done) {
        throw new IllegalStateException("writer for " + path + " already finished");
      }
      done = true;
      try {
        out.close();
      } catch (IOException e) {
        discard();
        throw new StorageException("write " + path, e);
      }
    }

    private void discard() {
      try {
        Files.deleteIfExists(tempFile);
      } catch (IOException ignored) {
        // A leftover temporary file is harmless; the next start-up clears the directory.
      }
    }
  }
}
