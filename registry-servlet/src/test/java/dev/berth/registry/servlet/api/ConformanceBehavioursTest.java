package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.locationPath;
import static dev.berth.registry.servlet.testing.Listings.items;
import static dev.berth.registry.servlet.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The workflows of the OCI distribution-spec v1.1 conformance suite (SPEC 2.10) as one registry
 * client sees them, step by step in the suite's order: pull, push, content discovery (tags and
 * referrers) and content management. What the other API tests check in isolation is checked here
 * in the suite's sequence, with its exact expectations.
 */
public class ConformanceBehavioursTest extends ConformanceSuite {

  @Test
  void pullBlobsAndManifests() {
    byte[] blob = utf8("pull me");
    Digest digest = Digest.sha256(blob);
    assertEquals(404, client.head("/v2/" + NAME + "/blobs/" + digest).status());
    assertEquals(404, client.get("/v2/" + NAME + "/blobs/" + digest).status());
    client.pushBlob(NAME, blob);

    Response head = client.head("/v2/" + NAME + "/blobs/" + digest);
    Response get = client.get("/v2/" + NAME + "/blobs/" + digest);
    assertEquals(200, head.status());
    assertEquals(digest.toString(), head.header("Docker-Content-Digest"));
    assertEquals(200, get.status());
    assertEquals(digest.toString(), get.header("Docker-Content-Digest"));

    byte[] manifest = pushImage("pull");
    Digest manifestDigest = Digest.sha256(manifest);
    assertEquals(201, putManifest("tagtest0", MediaTypes.OCI_MANIFEST, manifest).status());
    // The suite's nonexistent manifest is a name that cannot be a tag; it must still be 404.
    assertEquals(404, client.head("/v2/" + NAME + "/manifests/.INVALID_MANIFEST_NAME").status());
    assertEquals(404, client.get("/v2/" + NAME + "/manifests/.INVALID_MANIFEST_NAME").status());
    for (String reference : List.of(manifestDigest.toString(), "tagtest0")) {
      for (String method : List.of("HEAD", "GET")) {
        Response r = client.send(method, "/v2/" + NAME + "/manifests/" + reference, null,
            "Accept", MediaTypes.OCI_MANIFEST);
        assertEquals(200, r.status(), () -> method + " " + reference + ": " + r);
        assertEquals(manifestDigest.toString(), r.header("Docker-Content-Digest"));
      }
    }
  }

  @Test
  void totallyWrongDigestIs400Or404WithASpecCode() {
    pushImage("wrong");
    // The suite's "Error codes" check: an invalid manifest PUT to sha256:totallywrong.
    Response put = putManifest("sha256:totallywrong", MediaTypes.OCI_MANIFEST, utf8("blablabla"));
    assertTrue(put.status() == 400 || put.status() == 404, put::toString);
    assertSpecError(put);
    for (String path : List.of("/v2/" + NAME + "/manifests/sha256:totallywrong",
        "/v2/" + NAME + "/blobs/sha256:totallywrong")) {
      Response r = client.get(path);
      assertTrue(r.status() == 400 || r.status() == 404, r::toString);
      assertSpecError(r);
    }
  }

  // --- Push ---

  @Test
  void streamedMonolithicAndPostPutUploads() {
    byte[] a = utf8("blob A, streamed");
    String location = client.post("/v2/" + NAME + "/blobs/uploads/", null).header("Location");
    Response patch = client.patch(location, a, "Content-Type", "application/octet-stream");
    assertEquals(202, patch.status(), patch::toString);
    Response put = client.put(withQuery(patch.header("Location"), "digest=" + Digest.sha256(a)),
        null, "Content-Type", "application/octet-stream");
    assertEquals(201, put.status(), put::toString);
    assertNotNull(put.header("Location"));

    byte[] config = utf8("{\"config\":\"monolithic\"}");
    Digest configDigest = Digest.sha256(config);
    assertEquals(404, client.get("/v2/" + NAME + "/blobs/" + configDigest).status());
    Response post = client.post("/v2/" + NAME + "/blobs/uploads/?digest=" + configDigest, config,
        "Content-Type", "application/octet-stream");
    assertEquals(201, post.status(), post::toString);
    assertNotNull(post.header("Location"));
    assertEquals(200, client.get("/v2/" + NAME + "/blobs/" + configDigest).status());

    byte[] other = utf8("{\"config\":\"post then put\"}");
    Response session = client.post("/v2/" + NAME + "/blobs/uploads/", null);
    assertEquals(202, session.status());
    Response done = client.put(withQuery(session.header("Location"),
        "digest=" + Digest.sha256(other)), other, "Content-Type", "application/octet-stream");
    assertEquals(201, done.status(), done::toString);
    assertEquals(200, client.get("/v2/" + NAME + "/blobs/" + Digest.sha256(other)).status());
  }

  @Test
  void chunkedUploadInTheSuitesOrder() {
    byte[] blob = utf8("blob B is uploaded in two chunks of unequal size");
    byte[] chunk1 = java.util.Arrays.copyOfRange(blob, 0, 20);
    byte[] chunk2 = java.util.Arrays.copyOfRange(blob, 20, blob.length);
    String range1 = "0-19";
    String range2 = "20-" + (blob.length - 1);

    // Out-of-order blob upload should return 416.
    String stray = client.post("/v2/" + NAME + "/blobs/uploads/", new byte[0]).header("Location");
    assertEquals(416, client.patch(stray, chunk2, "Content-Type", "application/octet-stream",
        "Content-Range", range2).status());

    // PATCH request with first chunk should return 202, with Range equal to the chunk's.
    Response post = client.post("/v2/" + NAME + "/blobs/uploads/", null);
    Response first = client.patch(post.header("Location"), chunk1,
        "Content-Type", "application/octet-stream", "Content-Range", range1);
    assertEquals(202, first.status(), first::toString);
    assertEquals(range1, first.header("Range"));

    // Retry previous blob chunk should return 416 (sent to the POST's Location).
    assertEquals(416, client.patch(post.header("Location"), chunk1,
        "Content-Type", "application/octet-stream", "Content-Range", range1).status());

    // Get on stale blob upload should return 204 with a range and location.
    Response status = client.get(post.header("Location"));
    assertEquals(204, status.status(), status::toString);
    assertNotNull(status.header("Location"));
    assertEquals(range1, status.header("Range"));

    // PATCH request with second chunk should return 202 and the whole range.
    Response second = client.patch(status.header("Location"), chunk2,
        "Content-Type", "application/octet-stream", "Content-Range", range2);
    assertEquals(202, second.status(), second::toString);
    assertEquals("0-" + (blob.length - 1), second.header("Range"));
    assertNotNull(second.header("Location"));

    // PUT request with digest should return 201.
    Response put = client.put(withQuery(second.header("Location"),
        "digest=" + Digest.sha256(blob)), null, "Content-Type", "application/octet-stream");
    assertEquals(201, put.status(), put::toString);
    assertNotNull(put.header("Location"));
    assertEquals(200, client.get("/v2/" + NAME + "/blobs/" + Digest.sha256(blob)).status());
  }

  @Test
  void crossRepositoryMount() {
    byte[] blob = utf8("blob A, to be mounted");
    Digest digest = client.pushBlob(NAME, blob);
    Digest dummy = Digest.sha256(utf8("never pushed anywhere"));

    Response withoutFrom = client.post("/v2/" + CROSS + "/blobs/uploads/?mount=" + dummy, null);
    assertEquals(202, withoutFrom.status(), withoutFrom::toString);
    assertTrue(withoutFrom.header("Location").startsWith("http"), "an absolute Location");

    Response mount = client.post("/v2/" + CROSS + "/blobs/uploads/?mount=" + digest + "&from="
        + NAME, null);
    assertEquals(201, mount.status(), mount::toString);
    assertEquals("/v2/" + CROSS + "/blobs/" + digest, locationPath(mount));
    assertEquals(200, client.get(mount.header("Location")).status());

    // Without from (OCI v1.1 automatic content discovery, OCI_AUTOMATIC_CROSSMOUNT): a blob in a
    // repository the caller may read is mounted.
    Response anonymous = client.post("/v2/conformance/third/blobs/uploads/?mount=" + digest, null);
    assertEquals(201, anonymous.status(), anonymous::toString);
    assertEquals("/v2/conformance/third/blobs/" + digest, locationPath(anonymous));
    assertEquals(200, client.head("/v2/conformance/third/blobs/" + digest).status());
  }

  /**
   * The main-branch tool's blob-delete of the empty JSON blob: it pushes {@code {}} in setup, then
   * deletes it and wants 404 from a HEAD. A registry that served the empty blob everywhere failed
   * all seven such checks.
   */
  @Test
  void deletingThePushedEmptyBlobMakesIt404() {
    Digest empty = client.pushBlob(NAME, utf8("{}"));
    assertEquals(Digest.EMPTY_JSON, empty);
    assertEquals(200, client.head("/v2/" + NAME + "/blobs/" + empty).status());

    Response delete = client.delete("/v2/" + NAME + "/blobs/" + empty);
    assertEquals(202, delete.status(), delete::toString);
    assertEquals(404, client.head("/v2/" + NAME + "/blobs/" + empty).status());
    assertEquals(404, client.get("/v2/" + NAME + "/blobs/" + empty).status());
    assertEquals(404, client.delete("/v2/" + NAME + "/blobs/" + empty).status());
  }

  /**
   * A manifest may name the empty config without it being pushed (the ORAS Java SDK never uploads
   * it, SPEC.md §7): accepting the manifest links it; after that it is an ordinary blob.
   */
  @Test
  void theEmptyBlobANewManifestNamesIsLinkedAndThenDeletable() {
    assertEquals(404, client.head("/v2/" + CROSS + "/blobs/" + Digest.EMPTY_JSON).status());
    byte[] artifact = manifest("application/vnd.example.thing", emptyDescriptor(),
        array(emptyDescriptor()), null, null);
    Response put = client.putManifest(CROSS, "thing", MediaTypes.OCI_MANIFEST, artifact);
    assertEquals(201, put.status(), put::toString);
    Response head = client.head("/v2/" + CROSS + "/blobs/" + Digest.EMPTY_JSON);
    assertEquals(200, head.status(), head::toString);
    assertEquals("2", head.header("Content-Length"));

    assertEquals(202, client.delete("/v2/" + CROSS + "/blobs/" + Digest.EMPTY_JSON).status());
    assertEquals(404, client.head("/v2/" + CROSS + "/blobs/" + Digest.EMPTY_JSON).status());
    assertEquals(200, client.get("/v2/" + CROSS + "/manifests/thing").status(),
        "the manifest stays; only the repository's link to the blob went");
  }

  @Test
  void manifestUploads() {
    byte[] manifest = pushImage("push");
    assertEquals(404, client.get("/v2/" + NAME + "/manifests/.INVALID_MANIFEST_NAME").status());

    for (int i = 0; i < 4; i++) {
      Response put = putManifest("test" + i, MediaTypes.OCI_MANIFEST, manifest);
      assertEquals(201, put.status(), put::toString);
      assertNotNull(put.header("Location"));
    }
    byte[] config = utf8("{\"no\":\"layers\"}");
    client.pushBlob(NAME, config);
    byte[] noLayers = manifest(null, descriptor(MediaTypes.OCI_CONFIG, config), new JsonArray(),
        null, null);
    Response empty = putManifest("emptylayer", MediaTypes.OCI_MANIFEST, noLayers);
    assertEquals(201, empty.status(), empty::toString);
    assertNotNull(empty.header("Location"));
    Response get = client.get("/v2/" + NAME + "/manifests/" + Digest.sha256(manifest),
        "Accept", MediaTypes.OCI_MANIFEST);
    assertEquals(200, get.status());

    // An index, and an index of that index (nested indexes SHOULD be supported).
    JsonObject index = new JsonObject();
    index.addProperty("schemaVersion", 2);
    index.addProperty("mediaType", MediaTypes.OCI_INDEX);
    index.addProperty("artifactType", TYPE_INDEX);
    index.add("manifests", array(descriptor(MediaTypes.OCI_MANIFEST, manifest)));
    byte[] indexBytes = pretty(index);
    assertEquals(201, putManifest(Digest.sha256(indexBytes).toString(), MediaTypes.OCI_INDEX,
        indexBytes).status());
    JsonObject nested = new JsonObject();
    nested.addProperty("schemaVersion", 2);
    nested.addProperty("mediaType", MediaTypes.OCI_INDEX);
    nested.add("manifests", array(descriptor(MediaTypes.OCI_INDEX, indexBytes)));
    byte[] nestedBytes = pretty(nested);
    assertEquals(201, putManifest(Digest.sha256(nestedBytes).toString(), MediaTypes.OCI_INDEX,
        nestedBytes).status());
  }

  // --- Content discovery ---

  @Test
  void tagListLimitedByNAndStartedByLast() {
    byte[] manifest = pushImage("tags");
    for (int i = 0; i < 4; i++) {
      assertEquals(201, putManifest("test" + i, MediaTypes.OCI_MANIFEST, manifest).status());
    }
    List<String> all = items(client.get("/v2/" + NAME + "/tags/list"), "tags");
    assertEquals(List.of("test0", "test1", "test2", "test3"), all);

    int n = all.size() / 2;
    List<String> limited = items(client.get("/v2/" + NAME + "/tags/list?n=" + n), "tags");
    assertEquals(n, limited.size());
    String last = limited.get(n - 1);
    List<String> after = items(client.get("/v2/" + NAME + "/tags/list?n=" + n + "&last=" + last),
        "tags");
    assertTrue(after.size() <= n);
    assertFalse(after.contains(last));
    assertEquals(List.of("test2", "test3"), after);
  }
}
