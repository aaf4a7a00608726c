package dev.berth.junit5;

import dev.berth.registry.Registry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;

/**
 * Makes the registries a test extension serves, one after another: in the heap, or each in a new
 * directory under one temporary root that goes when the extension stops.
 */
final class TestRegistries {

  private final RegistryStorage storage;
  private final Consumer<Registry.Builder> configuration;
  private Path root;
  private Path current;
  private int made;

  TestRegistries(RegistryStorage storage, Consumer<Registry.Builder> configuration) {
    this.storage = storage;
    this.configuration = configuration;
  }

  /** A new, empty registry; the previous one's directory (if any) is left for {@link #drop}. */
  Registry next() {
    Registry.Builder builder = Registry.builder();
    if (storage == RegistryStorage.TEMP_DIR) {
      try {
        if (root == null) {
          root = Files.createTempDirectory("berth-test-");
        }
        current = Files.createDirectory(root.resolve("registry-" + (++made)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make a temporary directory for a test registry", e);
      }
      builder.filesystem(current, false);
    } else {
      builder.inMemory();
    }
    configuration.accept(builder);
    return builder.build();
  }

  /** The directory of the current registry, or null in memory. */
  Path directory() {
    return current;
  }

  /** Closes a registry this made, and deletes its directory. */
  void drop(Registry registry, Path directory) {
    registry.close();
    if (directory != null) {
      delete(directory);
    }
  }

  /** Deletes the temporary root, whatever is left in it. */
  void close() {
    if (root != null) {
      delete(root);
      root = null;
    }
  }

  private static void delete(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try {
      Files.walkFileTree(path, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the test registry's directory " + path, e);
    }
  }
}
