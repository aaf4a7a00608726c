package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.nextLink;
import static dev.berth.registry.servlet.testing.Listings.flatten;
import static dev.berth.registry.servlet.testing.Listings.items;
import static dev.berth.registry.servlet.testing.Listings.walk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.Registry;
import dev.berth.registry.RegistryOptions;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The page-size options: {@code n} is honoured up to {@code maxPageSize} (a page cut there carries
 * a Link), and the catalog's page without {@code n} has {@code defaultCatalogPageSize} entries.
 */
class ListingLimitsApiTest extends HttpSuite {

  private static final List<String> REPOSITORIES = List.of("r1", "r2", "r3", "r4", "r5");

  @Override
  protected Registry newRegistry() {
    return Registry.builder().inMemory().options(new RegistryOptions(true, false,
        RegistryOptions.DEFAULT_MAX_MANIFEST_BYTES, 3, 2, 100, Duration.ofDays(1))).build();
  }

  @Test
  void catalogWithoutNUsesTheDefaultPageSize() {
    REPOSITORIES.forEach(name -> client.pushSmallImage(name, "latest", name));

    Response first = client.get("/v2/_catalog");

    assertEquals(List.of("r1", "r2"), items(first, "repositories"));
    assertTrue(nextLink(first).isPresent(), first::toString);
    assertEquals(REPOSITORIES, flatten(walk(client, "/v2/_catalog", "repositories",
        "/v2/_catalog", 2)));
  }

  @Test
  void nAboveTheMaximumIsCutToItWithALink() {
    REPOSITORIES.forEach(name -> client.pushSmallImage(name, "latest", name));
    Digest digest = client.pushSmallImage("tagged", "t1", "tags");
    byte[] manifest = client.get("/v2/tagged/manifests/" + digest).body();
    for (String tag : List.of("t2", "t3", "t4", "t5")) {
      assertEquals(201, client.putManifest("tagged", tag, MediaTypes.OCI_MANIFEST, manifest)
          .status());
    }

    Response catalog = client.get("/v2/_catalog?n=100");
    Response tags = client.get("/v2/tagged/tags/list?n=100");

    assertEquals(List.of("r1", "r2", "r3"), items(catalog, "repositories"));
    assertTrue(nextLink(catalog).isPresent(), catalog::toString);
    assertEquals(List.of("t1", "t2", "t3"), items(tags, "tags"));
    assertTrue(nextLink(tags).isPresent(), tags::toString);
    assertEquals(List.of("t1", "t2", "t3", "t4", "t5"), flatten(walk(client,
        "/v2/tagged/tags/list?n=100", "tags", "/v2/tagged/tags/list", 3)));
    // Without n, tags are listed whole (ListingHandlers: "the spec's default"), past the maximum.
    Response all = client.get("/v2/tagged/tags/list");
    assertEquals(List.of("t1", "t2", "t3", "t4", "t5"), items(all, "tags"));
    assertTrue(nextLink(all).isEmpty());
  }
}
