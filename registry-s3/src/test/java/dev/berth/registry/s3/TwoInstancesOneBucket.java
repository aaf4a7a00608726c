package dev.berth.registry.s3;

import static dev.berth.registry.servlet.testing.RegistryClient.pathAndQuery;
import static dev.berth.registry.servlet.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.ApiAssertions;
import dev.berth.registry.servlet.testing.Listings;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances over one bucket, over HTTP: what one is told, the other serves at once, although
 * each caches manifests, tag listings and referrers pages (docs/design/s3.md, "Several
 * instances"). Every assertion on the second instance follows the first's acknowledgement with
 * nothing in between: no waiting, no retry.
 */
abstract class TwoInstancesOneBucket {
  static final int MIB = 1024 * 1024;
  static final String SIG = "application/vnd.example.signature";
  static final String SBOM = "application/vnd.example.sbom";

  abstract S3Server server();

  /** How the storage is set up beyond the server (conditional writes on or off). */
  UnaryOperator<S3Config.Builder> settings() {
    return s -> s;
  }

  TwoInstances two;
  RegistryClient toA;
  RegistryClient toB;

  @BeforeEach
  void start() throws Exception {
    two = TwoInstances.start(server(), settings());
    toA = two.toA;
    toB = two.toB;
  }

  @AfterEach
  void stop() throws Exception {
    two.close();
  }

  static byte[] random(int size, int seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static Response patch(RegistryClient client, String location, byte[] all, int from, int to) {
    return client.patch(pathAndQuery(location), Arrays.copyOfRange(all, from, to),
        "Content-Type", "application/octet-stream", "Content-Range", from + "-" + (to - 1));
  }

  static void assertPulls(RegistryClient client, String repository, byte[] blob) {
    Digest digest = Digest.sha256(blob);
    Response get = client.get("/v2/" + repository + "/blobs/" + digest);
    assertEquals(200, get.status(), get::toString);
    ApiAssertions.assertBody(get, blob, digest);
  }

  @Test
  void anUploadStartedOnOneIsFinishedOnTheOther() {
    // Chunks of 6 MiB through A, then through B (which has no running hash: it verifies by
    // reading), closed on A with a last chunk: the store copies the large chunks into the blob.
    byte[] blob = random(13 * MIB, 1);
    String location = toA.startUpload("app").header("Location");
    Response first = patch(toA, location, blob, 0, 6 * MIB);
    assertEquals(202, first.status(), first::toString);
    Response status = toB.get(pathAndQuery(first.header("Location")));
    assertEquals(204, status.status(), status::toString);
    assertEquals("0-" + (6 * MIB - 1), status.header("Range"));
    Response second = patch(toB, first.header("Location"), blob, 6 * MIB, 12 * MIB);
    assertEquals(202, second.status(), second::toString);
    Response put = toA.put(withQuery(pathAndQuery(second.header("Location")), "digest="
        + Digest.sha256(blob)), Arrays.copyOfRange(blob, 12 * MIB, 13 * MIB),
        "Content-Type", "application/octet-stream");
    assertEquals(201, put.status(), put::toString);
    assertPulls(toB, "app", blob);

    // One chunk through B, closed on A: A trusts the digest B recorded beside the chunk.
    byte[] other = random(7 * MIB + 3, 2);
    String again = toB.startUpload("app").header("Location");
    Response whole = patch(toB, again, other, 0, other.length);
    assertEquals(202, whole.status(), whole::toString);
    Response close = toA.put(withQuery(pathAndQuery(whole.header("Location")), "digest="
        + Digest.sha256(other)), null);
    assertEquals(201, close.status(), close::toString);
    assertPulls(toA, "app", other);
    assertPulls(toB, "app", other);
  }

  @Test
  void aManifestPushedThroughOneIsPulledThroughTheOtherAtOnce() {
    Digest image = toA.pushFixtureImage("app", "v1");

    Response byTag = toB.get("/v2/app/manifests/v1", "Accept", MediaTypes.OCI_MANIFEST);
    assertEquals(200, byTag.status(), byTag::toString);
    assertArrayEquals(Fixtures.bytes(Fixtures.OCI_MANIFEST), byTag.body());
    assertEquals(image.toString(), byTag.header("Docker-Content-Digest"));
    assertEquals(200, toB.get("/v2/app/manifests/" + image).status());
    assertPulls(toB, "app", Fixtures.bytes(Fixtures.LAYER));
    assertPulls(toB, "app", Fixtures.bytes(Fixtures.OCI_CONFIG));
  }

  /** Every page of a referrers listing, following Link, each body as the client received it. */
  static List<String> referrerPages(RegistryClient client, String first) {
    List<String> pages = new ArrayList<>();
    String next = first;
    while (next != null) {
      Response page = client.get(next);
      assertEquals(200, page.status(), page::toString);
      Optional<String> link = ApiAssertions.nextLink(page);
      pages.add(page.text() + " | " + page.header("OCI-Filters-Applied") + " | " + link);
      next = link.orElse(null);
    }
    return pages;
  }

  @Test
  void referrersPushedThroughOneAreListedPagedAndFilteredIdenticallyThroughTheOther() {
    Digest subject = toA.pushFixtureImage("app", "v1");
    for (int i = 0; i < 5; i++) {
      toA.pushSmallImage("app", "ref-a" + i, "a" + i, subject, i % 2 == 0 ? SIG : SBOM);
    }
    for (int i = 0; i < 2; i++) {
      toB.pushSmallImage("app", "ref-b" + i, "b" + i, subject, SIG);
    }

    for (String query : List.of("?n=2", "?n=3&artifactType=" + SIG, "?artifactType=" + SBOM)) {
      String first = "/v2/app/referrers/" + subject + query;
      List<String> throughA = referrerPages(toA, first);
      List<String> throughB = referrerPages(toB, first);
      assertEquals(throughA, throughB, query);
      assertTrue(throughA.size() >= (query.equals("?n=2") ? 4 : 1), query + ": " + throughA);
    }
    assertEquals(7, toB.get("/v2/app/referrers/" + subject + "?n=100").json()
        .getAsJsonArray("manifests").size());
  }

  @Test
  void tagAndCatalogListingsAgree() {
    for (String repository : List.of("team/a", "team/b", "team/a-b", "other")) {
      toA.pushSmallImage(repository, "v1", repository + "1");
      toB.pushSmallImage(repository, "v2", repository + "2");
      toA.pushSmallImage(repository, "v1.0", repository + "3");
    }
    for (String repository : List.of("team/a", "team/a-b")) {
      String path = "/v2/" + repository + "/tags/list";
      assertEquals(Listings.walk(toA, path + "?n=2", "tags", path, 2),
          Listings.walk(toB, path + "?n=2", "tags", path, 2));
      assertEquals(List.of("v1", "v1.0", "v2"), Listings.items(toB.get(path), "tags"));
    }
    List<List<String>> catalogA = Listings.walk(toA, "/v2/_catalog?n=3", "repositories",
        "/v2/_catalog", 3);
    assertEquals(catalogA, Listings.walk(toB, "/v2/_catalog?n=3", "repositories",
        "/v2/_catalog", 3));
    assertEquals(List.of("other", "team/a", "team/a-b", "team/b"), Listings.flatten(catalogA));
  }

  @Test
  void deletesAreSeenByBoth() {
    Digest image = toA.pushSmallImage("app", "v1", "one");
    toA.pushSmallImage("app", "v2", "two");
    Digest layer = toA.pushBlob("app", "stray layer".getBytes());

    assertEquals(202, toB.delete("/v2/app/manifests/v2").status());
    assertEquals(404, toA.get("/v2/app/manifests/v2").status());
    assertEquals(List.of("v1"), Listings.items(toA.get("/v2/app/tags/list"), "tags"));

    assertEquals(202, toA.delete("/v2/app/manifests/" + image).status());
    assertEquals(404, toB.get("/v2/app/manifests/v1").status());
    assertEquals(404, toB.get("/v2/app/manifests/" + image).status());
    assertEquals(List.of(), Listings.items(toB.get("/v2/app/tags/list"), "tags"));

    assertEquals(200, toA.head("/v2/app/blobs/" + layer).status());
    assertEquals(202, toB.delete("/v2/app/blobs/" + layer).status());
    assertEquals(404, toA.head("/v2/app/blobs/" + layer).status());
  }

  @Test
  void eachInstancesCachesStayCorrectWhenTheOtherChangesTheData() {
    Digest subject = toA.pushFixtureImage("app", "v1");
    Digest sig = toA.pushSmallImage("app", "sig", "sig", subject, SIG);
    // B caches the tag listing, the referrers of the subject, and the manifest behind v1.
    assertEquals(List.of("sig", "v1"), Listings.items(toB.get("/v2/app/tags/list"), "tags"));
    assertEquals(1, toB.get("/v2/app/referrers/" + subject).json()
        .getAsJsonArray("manifests").size());
    assertEquals(subject.toString(), toB.get("/v2/app/manifests/v1")
        .header("Docker-Content-Digest"));

    Digest moved = toA.pushSmallImage("app", "v1", "moved");
    toA.pushSmallImage("app", "v2", "new tag");
    Digest sbom = toA.pushSmallImage("app", "sbom", "sbom", subject, SBOM);
    assertEquals(202, toA.delete("/v2/app/manifests/" + sig).status());

    assertEquals(moved.toString(), toB.get("/v2/app/manifests/v1")
        .header("Docker-Content-Digest"), "the tag moved");
    assertEquals(List.of("sbom", "v1", "v2"), Listings.items(toB.get("/v2/app/tags/list"),
        "tags"), "a tag added, and the deleted referrer's tag gone");
    var referrers = toB.get("/v2/app/referrers/" + subject).json().getAsJsonArray("manifests");
    assertEquals(1, referrers.size());
    assertEquals(sbom.toString(), referrers.get(0).getAsJsonObject().get("digest")
        .getAsString());

    // And the other way round, B's change seen by A, whose caches are warm too.
    assertEquals(202, toB.delete("/v2/app/manifests/v2").status());
    assertEquals(List.of("sbom", "v1"), Listings.items(toA.get("/v2/app/tags/list"), "tags"));
    assertEquals(0, toA.get("/v2/app/referrers/" + subject + "?artifactType=" + SIG).json()
        .getAsJsonArray("manifests").size());
  }
}
