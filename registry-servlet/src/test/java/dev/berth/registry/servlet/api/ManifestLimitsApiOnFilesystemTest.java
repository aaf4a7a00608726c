package dev.berth.registry.servlet.api;

import dev.berth.registry.Registry;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The manifest tests on filesystem storage, with the storage-backed referrers index. */
class ManifestLimitsApiOnFilesystemTest extends ManifestLimitsApiTest {
  @TempDir
  Path root;

  @Override
  protected Registry newRegistry() {
    return Registry.builder().filesystem(root).build();
  }
}
