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

/** Uploads: mounts, digest and range checks, other algorithms, concurrent uploads. */
public class UploadMountAndDigestApiTest extends UploadSuite {

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
  void wholeBlobInTheClosingPutOfAnEmptySessionIsCheckedAndEndsTheSession() {
    // POST, then one PUT with everything: received as a monolithic push (not through a part).
    Digest claimed = Digest.sha256(bytes("not the content"));
    String refused = client.startUpload(REPO).header("Location");

    assertErrors(close(refused, claimed, BLOB), 400, "DIGEST_INVALID");

    assertNothingStored(claimed, Digest.sha256(BLOB));
    assertErrors(client.get(refused), 404, "BLOB_UPLOAD_UNKNOWN");

    String accepted = client.startUpload(REPO).header("Location");
    assertEquals(201, close(accepted, Digest.sha256(BLOB), BLOB).status());
    assertStored(Digest.sha256(BLOB), BLOB);
    assertErrors(client.get(accepted), 404, "BLOB_UPLOAD_UNKNOWN");
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
