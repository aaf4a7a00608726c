package dev.berth.registry.servlet.api;

import dev.berth.registry.Registry;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The blob tests on filesystem storage, where ranges and deletes go through real files. */
class BlobApiOnFilesystemTest extends BlobApiTest {
  @TempDir
  Path root;

  @Override
  protected Registry newRegistry() {
    return Registry.builder().filesystem(root).build();
  }
}
