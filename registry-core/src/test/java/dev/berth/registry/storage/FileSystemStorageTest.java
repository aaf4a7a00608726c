package dev.berth.registry.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

class FileSystemStorageTest extends StorageContract {
  @TempDir
  Path root;

  @Override
  protected Storage create() {
    return FileSystemStorage.at(root);
  }

  @Override
  protected void dispose(Storage storage) throws Exception {
    try (Stream<Path> temp = Files.list(root.resolve(FileSystemStorage.TEMP_DIR))) {
      assertEquals(0, temp.count(), "no temporary file is left behind");
    }
  }
}
