package dev.berth.registry.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.DirectoryStream;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The file-system steps {@link FileSystemStorage} is made of: putting a finished temporary file in
 * place (rename, or link for create-if-absent), creating the folders on the way, and, when
 * {@code durable}, flushing the folder entries those steps changed so that the object survives a
 * power loss, not just a killed process.
 */
final class LocalDisk {
  private LocalDisk() {}

  /** A concurrent delete may prune a folder we just created; a rename or link is retried. */
  private static final int ATTEMPTS = 50;

  /**
   * Renames {@code from} onto {@code to}, replacing it. A concurrent delete may remove a freshly
   * created, still empty parent (see {@link #pruneEmptyParents}); then the rename is retried.
   */
  static void moveIntoPlace(Path from, Path to, boolean durable) throws IOException {
    for (int attempt = 1; ; attempt++) {
      List<Path> created;
      try {
        // Inside the retry: a delete may prune a folder while it is being created under it.
        created = createParents(to.getParent());
        try {
          Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (NoSuchFileException e) {
        if (attempt >= ATTEMPTS || !Files.exists(from)) {
          throw e;
        }
        continue;
      }
      if (durable) {
        syncEntries(to, created);
      }
      return;
    }
  }

  /**
   * Hard-links {@code from} at {@code to} unless something is there; link(2) is atomic.
   *
   * @return false when {@code to} already existed
   */
  static boolean linkIntoPlace(Path from, Path to, boolean durable) throws IOException {
    for (int attempt = 1; ; attempt++) {
      List<Path> created;
      try {
        created = createParents(to.getParent());
        Files.createLink(to, from);
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (NoSuchFileException e) {
        if (attempt >= ATTEMPTS) {
          throw e;
        }
        continue;
      }
      if (durable) {
        syncEntries(to, created);
      }
      return true;
    }
  }

  /**
   * Writes the files {@code sources}, one after another, into the new file {@code target}, letting
   * the kernel copy ({@code transferTo}: copy_file_range or sendfile on Linux).
   *
   * @throws NoSuchFileException when a source is missing (or a folder)
   */
  static void concatenate(List<Path> sources, Path target, boolean durable) throws IOException {
    try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      for (Path source : sources) {
        FileChannel in;
        try {
          in = FileChannel.open(source, StandardOpenOption.READ);
        } catch (IOException e) {
          if (Files.isDirectory(source)) {
            throw new NoSuchFileException(source.toString());
          }
          throw e;
        }
        try (in) {
          long size = in.size();
          for (long at = 0; at < size; ) {
            long n = in.transferTo(at, size - at, out);
            if (n <= 0) {
              throw new IOException(source + " ended at " + at + " of " + size + " bytes");
            }
            at += n;
          }
        }
      }
      if (durable) {
        out.force(false);
      }
    }
  }

  /** Creates {@code dir} and its missing parents; returns those it created, outermost first. */
  private static List<Path> createParents(Path dir) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.add(0, p);
    }
    List<Path> created = new ArrayList<>(missing.size());
    for (Path p : missing) {
      try {
        Files.createDirectory(p);
        created.add(p);
      } catch (FileAlreadyExistsException raced) {
        // Another writer made it: its own flush covers its entry.
      }
    }
    return created;
  }

  /**
   * Flushes the folder that holds {@code placed}, and the parent of every folder created on the way
   * to it, so that each new name is on disk.
   */
  private static void syncEntries(Path placed, List<Path> created) throws IOException {
    syncDirectory(placed.getParent());
    for (int i = created.size() - 1; i >= 0; i--) {
      syncDirectory(created.get(i).getParent());
    }
  }

  /**
   * The names in {@code dir} after {@code startAfter}, sorted, at most {@code limit}, without
   * {@code skip}; a missing folder lists as empty.
   */
  static List<String> list(Path dir, String directory, String skip, String startAfter, int limit) {
    // java.io.File.list returns plain names: no Path object per entry, which matters for folders
    // of 10,000 tags or blobs. It answers null for a missing folder and for an I/O error alike.
    String[] names = dir.toFile().list();
    if (names == null) {
      // Missing, not a folder, removed meanwhile, or an I/O error: ask again in a way that says.
      names = listWithErrors(dir, directory);
    }
    List<String> result = new ArrayList<>(names.length);
    for (String name : names) {
      if (!name.equals(skip) && (startAfter == null || name.compareTo(startAfter) > 0)) {
        result.add(name);
      }
    }
    if (result.size() > limit && limit < 1024) {
      // A short page out of a long folder: select the smallest names instead of sorting all.
      PriorityQueue<String> largestKept = new PriorityQueue<>(Comparator.reverseOrder());
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
    } catch (NoSuchFileException | NotDirectoryException e) {
      return new String[0];
    } catch (IOException e) {
      throw new StorageException("list " + directory, e);
    }
    return names.toArray(String[]::new);
  }

  /**
   * Threads that flush large files while they are written: waits on the disk, so a few serve
   * many uploads; daemon, gone after a minute idle.
   */
  static java.util.concurrent.ThreadPoolExecutor flusherPool() {
    java.util.concurrent.ThreadPoolExecutor pool = new java.util.concurrent.ThreadPoolExecutor(4, 4,
        60, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "berth-flush");
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /** The operating system's reason for a failure ("Permission denied"), else its message. */
  static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (NoSuchFileException prunedMeanwhile) {
      // A concurrent delete removed it: the entry we flushed for is gone too.
    }
  }

  static boolean deleteTree(Path dir) throws IOException {
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

  /** Removes {@code dir} and its parents while they are empty, up to (not including) {@code top}. */
  static void pruneEmptyParents(Path dir, Path top, Path keep) {
    for (Path current = dir; current != null && current.startsWith(top) && !current.equals(top)
        && !current.equals(keep); current = current.getParent()) {
      try {
        Files.delete(current);
      } catch (IOException notEmptyOrGone) {
        return;
      }
    }
  }
}
