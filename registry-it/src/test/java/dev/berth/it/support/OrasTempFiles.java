package dev.berth.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the ORAS Java SDK leaves in {@code java.io.tmpdir}. Version 0.7 copies every file it pushes
 * to a temporary file ({@code Files.createTempFile("oras", "layer")} in
 * {@code OCI.pushBlob(ref, InputStream)}, e.g. {@code /tmp/oras12534748119588690225layer}) and
 * never deletes it; packing or unpacking a folder makes {@code oras<digits>} folders and
 * {@code .tar}/{@code .zip} files the same way. The SDK takes no directory for them, and the JVM
 * reads {@code java.io.tmpdir} once, so a test cannot point them at its {@code @TempDir}: it takes
 * a {@link #snapshot} before using the SDK and {@link #removeNew removes} what appeared since.
 */
public final class OrasTempFiles {

  private static final Pattern NAME = Pattern.compile("oras\\d+(layer|\\.tar|\\.zip)?");

  private final Path dir;
  private final Set<String> before;

  private OrasTempFiles(Path dir, Set<String> before) {
    this.dir = dir;
    this.before = before;
  }

  /** The SDK's temporary files and folders there now. */
  public static OrasTempFiles snapshot() {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
    return new OrasTempFiles(dir, names(dir));
  }

  /** Deletes the SDK's files and folders made since the snapshot; returns them. */
  public List<Path> removeNew() {
    List<Path> removed = new ArrayList<>();
    for (String name : names(dir)) {
      if (!before.contains(name)) {
        deleteTree(dir.resolve(name));
        removed.add(dir.resolve(name));
      }
    }
    return removed;
  }

  private static Set<String> names(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> NAME.matcher(n).matches())
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException("list " + dir, e);
    }
  }

  private static void deleteTree(Path path) {
    try (Stream<Path> tree = Files.walk(path)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (java.nio.file.NoSuchFileException goneMeanwhile) {
      // Removed by someone else: what we wanted.
    } catch (IOException e) {
      throw new UncheckedIOException("delete " + path, e);
    }
  }
}
