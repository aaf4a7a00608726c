package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.Registry;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A registry built with {@code deletesEnabled(false)}: every DELETE is 405 UNSUPPORTED. */
class DeletesDisabledApiTest extends HttpSuite {

  private static final String REPO = "nodelete/app";

  @Override
  protected Registry newRegistry() {
    return Registry.builder().inMemory().deletesEnabled(false).build();
  }

  @Test
  void manifestDeleteByDigestIsUnsupported() {
    Digest digest = client.pushSmallImage(REPO, "latest", "kept");

    Response delete = client.delete("/v2/" + REPO + "/manifests/" + digest);

    assertErrors(delete, 405, "UNSUPPORTED");
    assertEquals("GET, HEAD, PUT", delete.header("Allow"), "RFC 9110: a 405 lists the methods");

    assertEquals(200, client.get("/v2/" + REPO + "/manifests/" + digest).status());
    assertEquals(200, client.get("/v2/" + REPO + "/manifests/latest").status());
  }

  @Test
  void tagDeleteIsUnsupported() {
    client.pushSmallImage(REPO, "latest", "kept");

    Response delete = client.delete("/v2/" + REPO + "/manifests/latest");

    assertErrors(delete, 405, "UNSUPPORTED");
    assertEquals("GET, HEAD, PUT", delete.header("Allow"));

    assertEquals(200, client.get("/v2/" + REPO + "/manifests/latest").status());
  }

  @Test
  void blobDeleteIsUnsupported() {
    byte[] blob = "kept".getBytes(StandardCharsets.UTF_8);
    Digest digest = client.pushBlob(REPO, blob);

    Response delete = client.delete("/v2/" + REPO + "/blobs/" + digest);

    assertErrors(delete, 405, "UNSUPPORTED");
    assertEquals("GET, HEAD", delete.header("Allow"));

    assertEquals(200, client.get("/v2/" + REPO + "/blobs/" + digest).status());
  }

  @Test
  void uploadsCanStillBeCancelled() {
    String location = client.startUpload(REPO).header("Location");

    assertEquals(204, client.delete(location).status());
  }
}
