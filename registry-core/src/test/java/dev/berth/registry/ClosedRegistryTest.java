package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A closed registry says so: every operation throws {@link IllegalStateException} naming it, where a
 * closed heap registry used to go on answering (a test reading one after its extension closed it
 * passed against content nobody served). Closing twice does nothing.
 */
class ClosedRegistryTest {
  static final RepositoryName APP = RepositoryName.parse("app");

  static final Map<String, Consumer<Registry>> OPERATIONS = Map.ofEntries(
      Map.entry("blobs", Registry::blobs),
      Map.entry("uploads", Registry::uploads),
      Map.entry("manifests", Registry::manifests),
      Map.entry("tags", Registry::tags),
      Map.entry("catalog", r -> r.catalog(null, 10)),
      Map.entry("catalog filtered", r -> r.catalog(null, 10, name -> true)),
      Map.entry("referrers", r -> r.referrers(APP, Digest.EMPTY_JSON, null, null, 10)),
      Map.entry("reindex", Registry::reindex),
      Map.entry("referrersIndexBuilt", Registry::referrersIndexBuilt),
      Map.entry("collectGarbage", r -> r.collectGarbage(GcOptions.defaults().withDryRun(true))),
      Map.entry("purgeUploads", Registry::purgeUploads),
      Map.entry("purgeUploads dry", r -> r.purgeUploads(true)),
      Map.entry("proxyStats", Registry::proxyStats),
      Map.entry("evictProxyCache", Registry::evictProxyCache),
      Map.entry("referrersIndex", Registry::referrersIndex));

  @Test
  void everyOperationOfAClosedHeapRegistryThrows() {
    assertAllThrow(Registry.builder().inMemory().build());
  }

  @Test
  void everyOperationOfAClosedFilesystemRegistryThrows(@TempDir Path dir) {
    assertAllThrow(Registry.builder().filesystem(dir).build());
  }

  @Test
  void theSameOperationsWorkWhileOpen() {
    try (Registry registry = Registry.builder().inMemory().build()) {
      OPERATIONS.forEach((name, op) -> assertDoesNotThrow(() -> op.accept(registry), name));
      String id = registry.uploads().start(APP).id();
      assertTrue(!id.isEmpty(), id);
    }
  }

  private static void assertAllThrow(Registry registry) {
    registry.close();
    for (Map.Entry<String, Consumer<Registry>> op : OPERATIONS.entrySet()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> op.getValue().accept(registry), op.getKey());
      assertTrue(e.getMessage().contains("closed"), op.getKey() + ": " + e.getMessage());
    }
    assertDoesNotThrow(registry::close, "a second close");
    assertTrue(registry.toString().startsWith("closed "), registry.toString());
    assertDoesNotThrow(registry::storage, "the storage stays readable, for a caller to close");
  }
}
