package dev.berth.registry.servlet.api;

import dev.berth.registry.Registry;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The same listing tests on filesystem storage, where listings come from directory walks. */
class CatalogApiOnFilesystemTest extends CatalogApiTest {
  @TempDir
  Path root;

  @Override
  protected Registry newRegistry() {
    return Registry.builder().filesystem(root).build();
  }
}
