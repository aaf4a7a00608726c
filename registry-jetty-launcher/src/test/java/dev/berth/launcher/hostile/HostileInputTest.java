package dev.berth.launcher.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.config.HttpOptions;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-input table, against {@link BerthServer} on file-system storage so that Jetty's own
 * handling is part of what is tested. Each row is a malformed request, sent on a raw socket; it
 * must get its status and error code in the spec's envelope (never an HTML page, an empty body or
 * a 5xx), and the storage must hold exactly the same objects, byte for byte, before and after.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

  @TempDir
  static Path root;

  private static Registry registry;
  private static BerthServer server;
  private static Seed seed;

  @BeforeAll
  static void start() {
    registry = Registry.builder().filesystem(root, false).build();
    server = BerthServer.start(registry, "127.0.0.1", 0, AccessController.ALLOW_ALL,
        HttpOptions.defaults(), Duration.ofSeconds(10));
    seed = Seed.plant(new RegistryClient(server.url()));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  static List<Row> table() {
    List<Row> rows = new ArrayList<>();
    rows.addAll(ManifestRows.rows(seed));
    rows.addAll(PathRows.rows(seed));
    rows.addAll(WireRows.rows(seed));
    return rows;
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> everyRowIsRefusedInTheEnvelopeAndChangesNothing() {
    return run(table());
  }

  /** Rows that found gaps in registry-core's parser (see {@link ManifestRows#coreGaps}). */
  @TestFactory
  Stream<DynamicTest> coreGaps() {
    return run(ManifestRows.coreGaps(seed));
  }

  private static Stream<DynamicTest> run(List<Row> rows) {
    return rows.stream().map(row -> DynamicTest.dynamicTest(row.displayName(), () -> {
      StorageSnapshot before = StorageSnapshot.of(root);

      Wire.Answer answer = send(row);

      row.check(answer);
      String changes = StorageSnapshot.of(root).changesSince(before);
      assertEquals("", changes, () -> row.displayName() + " changed the storage:\n" + changes);
    }));
  }

  /** The table's rows have distinct names, and there are as many as the brief asks for. */
  @Test
  void tableIsWellFormed() {
    List<Row> rows = table();
    Set<String> names = new HashSet<>();
    for (Row row : rows) {
      assertTrue(names.add(row.displayName()), () -> "two rows named " + row.displayName());
    }
    assertTrue(rows.size() >= 300, () -> "only " + rows.size() + " rows");
  }

  /**
   * The table's registry already holds the empty blob (the seed's config). On an empty one, a
   * refused manifest that names it and a missing layer must not write it either: the storage has
   * no blob, no link and no repository folder afterwards.
   */
  @Test
  @Order(2)
  void refusedManifestWritesNoEmptyBlobOnAnEmptyRegistry(@TempDir Path empty) throws IOException {
    try (Registry fresh = Registry.builder().filesystem(empty, false).build();
        BerthServer other = BerthServer.start(fresh, "127.0.0.1", 0, AccessController.ALLOW_ALL,
            HttpOptions.defaults(), Duration.ofSeconds(10))) {
      String body = Manifests.manifest(Manifests.EMPTY_CONFIG, "[" + Manifests.descriptor(
          "application/vnd.oci.image.layer.v1.tar", "sha256:" + "f".repeat(64), 5) + "]");
      StorageSnapshot before = StorageSnapshot.of(empty);
      Row row = Row.error("empty registry", "empty blob and a missing layer",
          Wire.Request.of("PUT", "/v2/" + Seed.FRESH + "/manifests/v1")
              .header("Content-Type", "application/vnd.oci.image.manifest.v1+json").body(body),
          400, "MANIFEST_BLOB_UNKNOWN");

      row.check(Wire.send(other.url(), row.request()));

      assertEquals("", StorageSnapshot.of(empty).changesSince(before));
      assertTrue(Files.notExists(empty.resolve("docker/registry/v2/blobs")));
      assertTrue(Files.notExists(empty.resolve("docker/registry/v2/repositories")));
    }
  }

  /** After every row, the seed is intact: the image reads back and the session kept its bytes. */
  @Test
  @Order(3)
  void seedStillServes() throws IOException {
    RegistryClient client = new RegistryClient(server.url());
    assertEquals(200, client.get("/v2/" + Seed.REPO + "/manifests/v1").status());
    assertEquals("0-3", client.get(seed.session()).header("Range"));
    assertTrue(Files.isDirectory(root.resolve("docker/registry/v2/repositories")));
  }

  private static Wire.Answer send(Row row) {
    try {
      return Wire.send(server.url(), row.request());
    } catch (IOException e) {
      throw new AssertionError(row.displayName() + ": no complete answer (" + e + ")", e);
    }
  }
}
