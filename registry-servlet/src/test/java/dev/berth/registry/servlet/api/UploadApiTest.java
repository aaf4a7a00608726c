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
public class UploadApiTest extends UploadSuite {

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
}
