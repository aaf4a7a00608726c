package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertHeadError;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertLocation;
import static dev.berth.registry.servlet.testing.ApiAssertions.detailDigests;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonArray;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.Registry;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifest tests' shared repository, blobs and request helpers. */
public abstract class ManifestSuite extends HttpSuite {

  protected static final String REPO = "manifests/app";
  protected static final int FOUR_MIB = 4 * 1024 * 1024;

  protected static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected String url(Object reference) {
    return "/v2/" + REPO + "/manifests/" + reference;
  }

  protected Response put(Object reference, String contentType, byte[] body) {
    return client.putManifest(REPO, reference.toString(), contentType, body);
  }

  protected void pushImageBlobs() {
    client.pushBlob(REPO, Fixtures.bytes(Fixtures.LAYER));
    client.pushBlob(REPO, Fixtures.bytes(Fixtures.OCI_CONFIG));
  }

  protected void pushArm64Blobs() {
    client.pushBlob(REPO, Fixtures.bytes(Fixtures.LAYER));
    client.pushBlob(REPO, Fixtures.bytes(Fixtures.OCI_CONFIG_ARM64));
  }

  protected void assertCreated(Response put, Digest digest) {
    assertEquals(201, put.status(), put::toString);
    assertLocation(put, server, "/v2/" + REPO + "/manifests/" + digest);
    assertEquals(digest.toString(), put.header("Docker-Content-Digest"));
  }

  /** GET and HEAD by each reference answer the exact bytes, type, digest and length. */
  protected void assertServed(String mediaType, byte[] bytes, Object... references) {
    Digest digest = Digest.sha256(bytes);
    for (Object reference : references) {
      Response get = client.get(url(reference), "Accept", mediaType);
      assertEquals(200, get.status(), get::toString);
      assertArrayEquals(bytes, get.body(), () -> "bytes of " + reference);
      assertEquals(mediaType, get.header("Content-Type"), get::toString);
      assertEquals(digest.toString(), get.header("Docker-Content-Digest"));
      assertEquals(String.valueOf(bytes.length), get.header("Content-Length"));

      Response head = client.head(url(reference), "Accept", mediaType);
      assertEquals(200, head.status(), head::toString);
      assertEquals(0, head.body().length);
      assertEquals(mediaType, head.header("Content-Type"), head::toString);
      assertEquals(digest.toString(), head.header("Docker-Content-Digest"));
      assertEquals(String.valueOf(bytes.length), head.header("Content-Length"));
    }
  }

  /** An OCI manifest with the empty config, no layers and one annotation padded to {@code size}. */
  protected static byte[] paddedManifest(int size) {
    String head = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\""
        + Digest.EMPTY_JSON + "\",\"size\":2},\"layers\":[],\"annotations\":{\"pad\":\"";
    String tail = "\"}}";
    byte[] out = utf8(head + "x".repeat(size - head.length() - tail.length()) + tail);
    assertEquals(size, out.length);
    return out;
  }
}
