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

/**
 * {@code /v2/<name>/blobs/uploads/}: sessions, streamed and chunked PATCH, closing PUT, the single
 * POST, cross-repository mounts, and what must not be stored when something is wrong.
 */
class UploadApiTest extends HttpSuite {

  private static final String REPO = "uploads/app";
  private static final Pattern SESSION_PATH =
      Pattern.compile("^/v2/uploads/app/blobs/uploads/([A-Za-z0-9_-]+)$");
  private static final byte[] BLOB = bytes("0123456789abcdefghij");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] slice(byte[] b, int from, int to) {
    return Arrays.copyOfRange(b, from, to);
  }

  private String blobUrl(Digest digest) {
    return "/v2/" + REPO + "/blobs/" + digest;
  }

  private String uploads() {
    return "/v2/" + REPO + "/blobs/uploads/";
  }

  /** Asserts a session answer (202 or 204) and returns its {@code Location}. */
  private String assertSession(Response r, int status, long size) {
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

  private Response patch(String location, byte[] chunk, String contentRange) {
    return contentRange == null
        ? client.patch(location, chunk, "Content-Type", "application/octet-stream")
        : client.patch(location, chunk, "Content-Type", "application/octet-stream",
            "Content-Range", contentRange);
  }

  private Response close(String location, Digest digest, byte[] lastChunk) {
    return client.put(withQuery(location, "digest=" + digest), lastChunk,
        "Content-Type", "application/octet-stream");
  }

  private void assertStored(Digest digest, byte[] content) {
    Response get = client.get(blobUrl(digest));
    assertEquals(200, get.status(), get::toString);
    assertBody(get, content, digest);
  }

  private void assertNothingStored(Digest... digests) {
    for (Digest digest : digests) {
      assertHeadError(client.head(blobUrl(digest)), 404);
    }
  }

  @Test
  void postOpensASession() {
    Response post = client.post(uploads(), null);

    assertSession(post, 202, 0);
    assertEquals("0-0", post.header("Range"));
  }

  @Test
  void eachPostOpensADifferentSession() {
    String first = assertSession(client.post(uploads(), null), 202, 0);
    String second = assertSession(client.post(uploads(), null), 202, 0);

    assertNotEquals(URI.create(first).getPath(), URI.create(second).getPath());
  }

  @Test
  void postWithDigestAndBodyStoresTheBlobInOneRequest() {
    Digest digest = Digest.sha256(BLOB);

    Response post = client.post(withQuery(uploads(), "digest=" + digest), BLOB,
        "Content-Type", "application/octet-stream");

    assertEquals(201, post.status(), post::toString);
    assertLocation(post, server, "/v2/uploads/app/blobs/" + digest);
    assertEquals(digest.toString(), post.header("Docker-Content-Digest"));
    assertStored(digest, BLOB);
  }

  @Test
  void postWithDigestAndAChunkedBodyStoresTheBlob() {
    Digest digest = Digest.sha256(BLOB);

    Response post = client.sendChunked("POST", withQuery(uploads(), "digest=" + digest), BLOB,
        "Content-Type", "application/octet-stream");

    assertEquals(201, post.status(), post::toString);
    assertStored(digest, BLOB);
  }

  @Test
  void postWithDigestButNoBodyOpensASessionAndStoresNothing() {
    Digest digest = Digest.sha256(BLOB);

    Response post = client.post(withQuery(uploads(), "digest=" + digest), null);

    String location = assertSession(post, 202, 0);
    assertNothingStored(digest);
    // The ORAS Java SDK's second step: PUT the bytes to the session with &digest=.
    Response put = close(location, digest, BLOB);
    assertEquals(201, put.status(), put::toString);
    assertStored(digest, BLOB);
  }

  @Test
  void postThenPutWithTheWholeBlob() {
    Digest digest = Digest.sha256(BLOB);
    String location = client.startUpload(REPO).header("Location");

    Response put = close(location, digest, BLOB);

    assertEquals(201, put.status(), put::toString);
    assertLocation(put, server, "/v2/uploads/app/blobs/" + digest);
    assertEquals(digest.toString(), put.header("Docker-Content-Digest"));
    assertStored(digest, BLOB);
  }

  @Test
  void streamedPatchesAppendAndAnswerTheRangeWithoutUnit() {
    Digest digest = Digest.sha256(BLOB);
    String location = client.startUpload(REPO).header("Location");

    Response first = patch(location, slice(BLOB, 0, 12), null);
    location = assertSession(first, 202, 12);
    assertEquals("0-11", first.header("Range"), "no bytes= prefix");
    Response second = patch(location, slice(BLOB, 12, 20), null);
    location = assertSession(second, 202, 20);
    assertEquals("0-19", second.header("Range"));

    Response put = close(location, digest, null);
    assertEquals(201, put.status(), put::toString);
    assertLocation(put, server, "/v2/uploads/app/blobs/" + digest);
    assertStored(digest, BLOB);
  }

  @Test
  void streamedPatchWithChunkedTransferEncoding() {
    Digest digest = Digest.sha256(BLOB);
    String location = client.startUpload(REPO).header("Location");

    Response patch = client.sendChunked("PATCH", location, BLOB,
        "Content-Type", "application/octet-stream");

    location = assertSession(patch, 202, BLOB.length);
    assertEquals(201, close(location, digest, null).status());
    assertStored(digest, BLOB);
  }

  @Test
  void chunksWithContentRangeAppendInOrder() {
    Digest digest = Digest.sha256(BLOB);
    String location = client.startUpload(REPO).header("Location");

    location = assertSession(patch(location, slice(BLOB, 0, 5), "0-4"), 202, 5);
    location = assertSession(patch(location, slice(BLOB, 5, 15), "5-14"), 202, 15);
    Response put = close(location, digest, slice(BLOB, 15, 20));

    assertEquals(201, put.status(), put::toString);
    assertLocation(put, server, "/v2/uploads/app/blobs/" + digest);
    assertStored(digest, BLOB);
  }

  @Test
  void theClosingPutsChunkIsCheckedAgainstItsContentRange() {
    Digest digest = Digest.sha256(BLOB);
    String location = client.startUpload(REPO).header("Location");
    location = assertSession(patch(location, slice(BLOB, 0, 10), "0-9"), 202, 10);

    Response gap = client.put(withQuery(location, "digest=" + digest), slice(BLOB, 10, 20),
        "Content-Type", "application/octet-stream", "Content-Range", "12-21");
    assertErrors(gap, 416, "RANGE_INVALID");
    assertSession(client.get(location), 204, 10);

    Response ok = client.put(withQuery(location, "digest=" + digest), slice(BLOB, 10, 20),
        "Content-Type", "application/octet-stream", "Content-Range", "10-19");
    assertEquals(201, ok.status(), ok::toString);
    assertStored(digest, BLOB);
  }

  @Test
  void outOfOrderChunkIs416AndChangesNothing() {
    Digest digest = Digest.sha256(BLOB);
    String location = client.startUpload(REPO).header("Location");

    assertErrors(patch(location, slice(BLOB, 10, 20), "10-19"), 416, "RANGE_INVALID");

    assertSession(client.get(location), 204, 0);
    location = assertSession(patch(location, slice(BLOB, 0, 10), "0-9"), 202, 10);
    location = assertSession(patch(location, slice(BLOB, 10, 20), "10-19"), 202, 20);
    assertEquals(201, close(location, digest, null).status());
    assertStored(digest, BLOB);
  }

  @Test
  void repeatedChunkIs416AndChangesNothing() {
    Digest digest = Digest.sha256(BLOB);
    String location = client.startUpload(REPO).header("Location");
    location = assertSession(patch(location, slice(BLOB, 0, 10), "0-9"), 202, 10);

    assertErrors(patch(location, slice(BLOB, 0, 10), "0-9"), 416, "RANGE_INVALID");
    assertErrors(patch(location, bytes("XXXXXXXXXX"), "0-9"), 416, "RANGE_INVALID");

    assertSession(client.get(location), 204, 10);
    assertEquals(201, close(location, digest, slice(BLOB, 10, 20)).status());
    assertStored(digest, BLOB);
  }

  @Test
  void statusIs204WithLocationAndRange() {
    String location = client.startUpload(REPO).header("Location");
    assertSession(client.get(location), 204, 0);

    location = assertSession(patch(location, slice(BLOB, 0, 7), null), 202, 7);

    Response status = client.get(location);
    assertSession(status, 204, 7);
    assertEquals("0-6", status.header("Range"));
    assertEquals(0, status.body().length);
  }

  @Test
  void cancelAnswers204AndForgetsTheSession() {
    String location = client.startUpload(REPO).header("Location");
    location = assertSession(patch(location, slice(BLOB, 0, 5), null), 202, 5);

    Response delete = client.delete(location);

    assertEquals(204, delete.status(), delete::toString);
    assertErrors(client.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
    assertErrors(patch(location, slice(BLOB, 5, 10), null), 404, "BLOB_UPLOAD_UNKNOWN");
    assertErrors(close(location, Digest.sha256(BLOB), slice(BLOB, 5, 20)), 404,
        "BLOB_UPLOAD_UNKNOWN");
    assertErrors(client.delete(location), 404, "BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void completedSessionIsGone() {
    Digest digest = Digest.sha256(BLOB);
    String location = client.startUpload(REPO).header("Location");
    assertEquals(201, close(location, digest, BLOB).status());

    assertErrors(client.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
    assertErrors(patch(location, BLOB, null), 404, "BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void unknownSessionIs404() {
    client.pushBlob(REPO, BLOB);

    assertErrors(client.get(uploads() + "no-such-session"), 404, "BLOB_UPLOAD_UNKNOWN");
    assertErrors(patch(uploads() + "no-such-session", BLOB, null), 404, "BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void sessionBelongsToItsRepository() {
    String location = client.startUpload(REPO).header("Location");
    String id = location.substring(location.lastIndexOf('/') + 1).replaceAll("\\?.*", "");

    assertErrors(client.get("/v2/uploads/other/blobs/uploads/" + id), 404, "BLOB_UPLOAD_UNKNOWN");
    assertErrors(patch("/v2/uploads/other/blobs/uploads/" + id, BLOB, null), 404,
        "BLOB_UPLOAD_UNKNOWN");
    assertSession(client.get(location), 204, 0);
  }

  @Test
  void mountFromARepositoryThatHasTheBlob() {
    Digest digest = client.pushBlob("uploads/source", BLOB);

    Response mount = client.post(
        withQuery(uploads(), "mount=" + digest + "&from=uploads/source"), null);

    assertEquals(201, mount.status(), mount::toString);
    assertLocation(mount, server, "/v2/uploads/app/blobs/" + digest);
    assertEquals(digest.toString(), mount.header("Docker-Content-Digest"));
    assertStored(digest, BLOB);
  }

  @Test
  void mountFromARepositoryWithoutTheBlobOpensASession() {
    Digest digest = client.pushBlob("uploads/elsewhere", BLOB);
    client.pushBlob("uploads/source", bytes("something else"));

    Response mount = client.post(
        withQuery(uploads(), "mount=" + digest + "&from=uploads/source"), null);

    String location = assertSession(mount, 202, 0);
    assertNothingStored(digest);
    assertEquals(201, close(location, digest, BLOB).status());
    assertStored(digest, BLOB);
  }

  @Test
  void mountWithoutFromMountsFromARepositoryThatHasTheBlob() {
    Digest digest = client.pushBlob("uploads/source", BLOB);

    Response mount = client.post(withQuery(uploads(), "mount=" + digest), null);

    assertEquals(201, mount.status(), mount::toString);
    assertEquals("/v2/" + REPO + "/blobs/" + digest, java.net.URI.create(mount.header("Location"))
        .getPath());
    assertEquals(200, client.head("/v2/" + REPO + "/blobs/" + digest).status());
  }

  @Test
  void mountWithoutFromOfAnUnknownBlobOpensASession() {
    Digest digest = Digest.sha256(bytes("nowhere"));

    Response mount = client.post(withQuery(uploads(), "mount=" + digest), null);

    assertSession(mount, 202, 0);
    assertNothingStored(digest);
  }

  @Test
  void digestMismatchOnTheClosingPutStoresNothingAndEndsTheSession() {
    Digest claimed = Digest.sha256(bytes("not the content"));
    String location = client.startUpload(REPO).header("Location");
    location = assertSession(patch(location, slice(BLOB, 0, 10), null), 202, 10);

    assertErrors(close(location, claimed, slice(BLOB, 10, 20)), 400, "DIGEST_INVALID");

    assertNothingStored(claimed, Digest.sha256(BLOB));
    assertErrors(client.get(location), 404, "BLOB_UPLOAD_UNKNOWN");
  }

  @Test
  void digestMismatchOnTheSinglePostStoresNothing() {
    Digest claimed = Digest.sha256(bytes("not the content"));

    assertErrors(client.post(withQuery(uploads(), "digest=" + claimed), BLOB,
        "Content-Type", "application/octet-stream"), 400, "DIGEST_INVALID");

    assertNothingStored(claimed, Digest.sha256(BLOB));
  }

  @Test
  void contentRangeThatDisagreesWithTheBodyIsSizeInvalid() {
    String location = client.startUpload(REPO).header("Location");

    // Implemented as 400 SIZE_INVALID (not 416): the range is well placed but its length is wrong.
    assertErrors(patch(location, slice(BLOB, 0, 5), "0-9"), 400, "SIZE_INVALID");

    assertSession(client.get(location), 204, 0);
  }

  @Test
  void malformedContentRangeIs416() {
    String location = client.startUpload(REPO).header("Location");

    assertErrors(patch(location, slice(BLOB, 0, 5), "five bytes"), 416, "RANGE_INVALID");
    assertErrors(patch(location, slice(BLOB, 0, 5), "4-0"), 416, "RANGE_INVALID");

    assertSession(client.get(location), 204, 0);
  }

  @Test
  void unsupportedDigestAlgorithmIsDigestInvalid() {
    String md5 = "md5:" + "0123456789abcdef0123456789abcdef";

    assertErrors(client.post(withQuery(uploads(), "digest=" + md5), BLOB,
        "Content-Type", "application/octet-stream"), 400, "DIGEST_INVALID");
    String location = client.startUpload(REPO).header("Location");
    assertErrors(client.put(withQuery(location, "digest=" + md5), BLOB,
        "Content-Type", "application/octet-stream"), 400, "DIGEST_INVALID");

    assertHeadError(client.head(blobUrl(Digest.parse(md5))), 404);
    assertNothingStored(Digest.sha256(BLOB));
  }

  @Test
  void closingPutWithoutOrWithAMalformedDigestIsDigestInvalid() {
    String location = client.startUpload(REPO).header("Location");

    assertErrors(client.put(location, BLOB, "Content-Type", "application/octet-stream"), 400,
        "DIGEST_INVALID");
    assertErrors(client.put(withQuery(location, "digest=sha256:totallywrong"), BLOB,
        "Content-Type", "application/octet-stream"), 400, "DIGEST_INVALID");
    assertNothingStored(Digest.sha256(BLOB));
  }

  @Test
  void sha512WorksEndToEnd() {
    Digest digest = Digest.of(Digest.SHA512, BLOB);
    String location = client.startUpload(REPO).header("Location");
    location = assertSession(patch(location, slice(BLOB, 0, 8), "0-7"), 202, 8);

    Response put = close(location, digest, slice(BLOB, 8, 20));

    assertEquals(201, put.status(), put::toString);
    assertLocation(put, server, "/v2/uploads/app/blobs/" + digest);
    assertEquals(digest.toString(), put.header("Docker-Content-Digest"));
    assertStored(digest, BLOB);
  }

  @Test
  void sha512SinglePostAndMismatch() {
    byte[] other = bytes("sha512 in one request");
    Digest digest = Digest.of(Digest.SHA512, other);

    Response post = client.post(withQuery(uploads(), "digest=" + digest), other,
        "Content-Type", "application/octet-stream");
    assertEquals(201, post.status(), post::toString);
    assertStored(digest, other);

    Digest wrong = Digest.of(Digest.SHA512, BLOB);
    assertErrors(client.post(withQuery(uploads(), "digest=" + wrong), other,
        "Content-Type", "application/octet-stream"), 400, "DIGEST_INVALID");
    assertNothingStored(wrong);
  }

  @Test
  void zeroLengthBlob() {
    byte[] empty = new byte[0];
    Digest digest = Digest.sha256(empty);
    String location = client.startUpload(REPO).header("Location");

    assertEquals(201, close(location, digest, null).status());

    Response get = client.get(blobUrl(digest));
    assertEquals(200, get.status(), get::toString);
    assertBody(get, empty, digest);
  }

  @Test
  void eightClientsUploadingTheSameBlobAtOnceAllSucceed() throws Exception {
    byte[] blob = new byte[1024 * 1024 + 17];
    new Random(42).nextBytes(blob);
    Digest digest = Digest.sha256(blob);
    int clients = 8;
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Response>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        boolean single = i % 2 == 0;
        results.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          if (single) {
            return client.post(withQuery(uploads(), "digest=" + digest), blob,
                "Content-Type", "application/octet-stream");
          }
          String location = client.post(uploads(), null).header("Location");
          Response patch = patch(location, slice(blob, 0, 500_000), "0-499999");
          if (patch.status() != 202) {
            return patch;
          }
          return close(patch.header("Location"), digest, slice(blob, 500_000, blob.length));
        }));
      }
      ready.await();
      go.countDown();
      for (Future<Response> result : results) {
        Response r = result.get(2, TimeUnit.MINUTES);
        assertEquals(201, r.status(), r::toString);
        assertLocation(r, server, "/v2/uploads/app/blobs/" + digest);
      }
    } finally {
      pool.shutdownNow();
    }
    assertStored(digest, blob);
  }
}
