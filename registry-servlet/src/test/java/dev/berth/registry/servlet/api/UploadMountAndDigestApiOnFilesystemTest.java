package dev.berth.registry.servlet.api;

import dev.berth.registry.Registry;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mount and digest upload tests on filesystem storage, where chunks, renames and the concurrent completion of
 * one blob go through the real file system.
 */
class UploadMountAndDigestApiOnFilesystemTest extends UploadMountAndDigestApiTest {
  @TempDir
  Path root;

  @Override
  protected Registry newRegistry() {
    return Registry.builder().filesystem(root).build();
  }
}
