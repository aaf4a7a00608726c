package dev.berth.registry.servlet.referrers;

import dev.berth.registry.Registry;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The referrers tests on filesystem storage, listed from the storage-backed index. */
class ReferrersApiOnFilesystemTest extends ReferrersApiTest {
  @TempDir
  Path root;

  @Override
  protected Registry newRegistry() {
    return Registry.builder().filesystem(root).build();
  }
}
