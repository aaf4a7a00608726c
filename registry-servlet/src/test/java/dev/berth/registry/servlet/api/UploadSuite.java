package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertBody;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertHeadError;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertLocation;
import static dev.berth.registry.servlet.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The upload tests' shared repository, blob and request helpers. */
public abstract class UploadSuite extends HttpSuite {

  protected static final String REPO = "uploads/app";
  protected static final Pattern SESSION_PATH =
      Pattern.compile("^/v2/uploads/app/blobs/uploads/([A-Za-z0-9_-]+)$");
  protected static final byte[] BLOB = bytes("0123456789abcdefghij");

  protected static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  protected static byte[] slice(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  protected String blobUrl(Digest digest) {
    return "/v2/" + REPO + "/blobs/" + digest;
  }

  protected String uploads() {
    return "/v2/" + REPO + "/blobs/uploads/";
  }

  /** Asserts a session answer (202 or 204) and returns its {@code Location}. */
  protected String assertSession(Response r, int status, long size) {
    assertEquals(status, r.status(), r::toString);
    String location = r.header("Location");
    assertNotNull(location, r::toString);
    URI uri = URI.create(location);
    assertTrue(uri.isAbsolute(), location);
    assertEquals(server.url().getAuthority(), uri.getAuthority());
    Matcher m = SESSION_PATH.matcher(uri.getPath());
    assertTrue(m.matches(), () -> "session Location " + location);
    assertEquals(m.group(1), r.header("Docker-Upload-UUID"), r::toString);
    assertEquals("0-" + Math.max(0, size - 1), r.header("Range"), r::toString);
    if (status == 202) {
      assertEquals("0", r.header("Content-Length"), r::toString);
    }
    return location;
  }

  protected Response patch(String location, byte[] chunk, String contentRange) {
    return contentRange == null
        ? client.patch(location, chunk, "Content-Type", "application/octet-stream")
        : client.patch(location, chunk, "Content-Type", "application/octet-stream",
            "Content-Range", contentRange);
  }

  protected Response close(String location, Digest digest, byte[] lastChunk) {
    return client.put(withQuery(location, "digest=" + digest), lastChunk,
        "Content-Type", "application/octet-stream");
  }

  protected void assertStored(Digest digest, byte[] content) {
    Response get = client.get(blobUrl(digest));
    assertEquals(200, get.status(), get::toString);
    assertBody(get, content, digest);
  }

  protected void assertNothingStored(Digest... digests) {
    for (Digest digest : digests) {
      assertHeadError(client.head(blobUrl(digest)), 404);
    }
  }
}
