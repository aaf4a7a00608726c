package dev.berth.registry.servlet.referrers;

import dev.berth.registry.Registry;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The ORAS artifact tests on filesystem storage, with the storage-backed referrers index. */
class OrasArtifactApiOnFilesystemTest extends OrasArtifactApiTest {
  @TempDir
  Path root;

  @Override
  protected Registry newRegistry() {
    return Registry.builder().filesystem(root).build();
  }
}
