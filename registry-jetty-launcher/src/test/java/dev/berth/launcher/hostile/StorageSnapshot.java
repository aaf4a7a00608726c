package dev.berth.launcher.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a file-system storage holds, as path and SHA-256 of each file's bytes (folders as
 * {@code dir}), so that two snapshots are equal exactly when nothing was written, renamed or
 * removed. Modification times are left out (a read may touch them), and so is {@code .berth-tmp},
 * where writes in progress live until they are placed or dropped.
 */
public record StorageSnapshot(Map<String, String> entries) {

  private static final String TEMPORARY = ".berth-tmp";

  public static StorageSnapshot of(Path root) {
    Map<String, String> entries = new TreeMap<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          if (dir.getFileName() != null && dir.getFileName().toString().equals(TEMPORARY)) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          if (!dir.equals(root)) {
            entries.put(name(root, dir) + "/", "dir");
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          entries.put(name(root, file), sha256(file));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot of " + root, e);
    }
    return new StorageSnapshot(entries);
  }

  private static String name(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  /** The SHA-256 of a file's bytes, in hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** What differs from {@code before}, one line per path; empty when nothing does. */
  public String changesSince(StorageSnapshot before) {
    StringBuilder out = new StringBuilder();
    TreeSet<String> paths = new TreeSet<>(before.entries.keySet());
    paths.addAll(entries.keySet());
    for (String path : paths) {
      String was = before.entries.get(path);
      String now = entries.get(path);
      if (!Objects.equals(was, now)) {
        out.append(was == null ? "  added    " : now == null ? "  removed  " : "  changed  ")
            .append(path).append('\n');
      }
    }
    return out.toString();
  }
}
