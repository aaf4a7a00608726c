package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Read-only mode switched at runtime ({@code Registry.setReadOnly}, what an operator's endpoint
 * calls): every write is 405 {@code UNSUPPORTED} with an {@code Allow} of the route's read methods,
 * as distribution answers in maintenance read-only mode; reads go on; nothing changes; switched
 * off, writes work again.
 */
class ReadOnlyApiTest extends HttpSuite {

  private static final String REPO = "readonly/app";

  @Test
  void everyWriteIsRefusedAndChangesNothing() {
    Digest manifest = client.pushSmallImage(REPO, "v1", "kept");
    byte[] blob = "a blob".getBytes(StandardCharsets.UTF_8);
    Digest blobDigest = client.pushBlob(REPO, blob);
    String session = client.startUpload(REPO).header("Location");
    Response chunk = client.patch(session, "first".getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/octet-stream");
    assertEquals(202, chunk.status(), chunk::toString);
    String sessionNow = chunk.header("Location");

    server.registry().setReadOnly(true);

    byte[] other = Fixtures.bytes(Fixtures.OCI_MANIFEST);
    refused(client.putManifest(REPO, "v2", MediaTypes.OCI_MANIFEST, other), "GET, HEAD");
    refused(client.delete("/v2/" + REPO + "/manifests/v1"), "GET, HEAD");
    refused(client.delete("/v2/" + REPO + "/manifests/" + manifest), "GET, HEAD");
    refused(client.delete("/v2/" + REPO + "/blobs/" + blobDigest), "GET, HEAD");
    refused(client.post("/v2/" + REPO + "/blobs/uploads/", null), "");
    refused(client.post("/v2/other/blobs/uploads/?mount=" + blobDigest + "&from=" + REPO,
        null), "");
    refused(client.post("/v2/" + REPO + "/blobs/uploads/?digest=" + Digest.sha256(blob), blob),
        "");
    refused(client.patch(sessionNow, "more".getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/octet-stream"), "GET, HEAD");
    refused(client.put(RegistryClient.withQuery(sessionNow, "digest=" + blobDigest), null),
        "GET, HEAD");
    refused(client.delete(sessionNow), "GET, HEAD");

    assertEquals(200, client.get("/v2/").status());
    assertEquals(200, client.get("/v2/" + REPO + "/manifests/v1").status());
    assertEquals(200, client.head("/v2/" + REPO + "/manifests/" + manifest).status());
    assertEquals(200, client.get("/v2/" + REPO + "/blobs/" + blobDigest).status());
    assertEquals(200, client.get("/v2/" + REPO + "/tags/list").status());
    assertEquals(200, client.get("/v2/_catalog").status());
    assertEquals(200, client.get("/v2/" + REPO + "/referrers/" + manifest).status());
    Response status = client.get(sessionNow);
    assertEquals(204, status.status(), status::toString);
    assertEquals("0-4", status.header("Range"), "the session kept what it had, nothing more");
    assertEquals(404, client.get("/v2/" + REPO + "/manifests/v2").status());
    assertEquals(404, client.get("/v2/other/blobs/" + blobDigest).status());

    server.registry().setReadOnly(false);

    assertEquals(202, client.delete("/v2/" + REPO + "/manifests/v1").status());
    Response put = client.putManifest(REPO, "v1", MediaTypes.OCI_MANIFEST,
        client.get("/v2/" + REPO + "/manifests/" + manifest).body());
    assertEquals(201, put.status(), put::toString);
    assertEquals(204, client.delete(sessionNow).status());
  }

  private static void refused(Response r, String allow) {
    assertErrors(r, 405, "UNSUPPORTED");
    assertEquals(allow, r.header("Allow"), r::toString);
  }
}
