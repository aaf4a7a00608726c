package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertBody;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertHeadError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** {@code /v2/<name>/blobs/<digest>}: GET and HEAD, single byte ranges, visibility and DELETE. */
public class BlobApiTest extends HttpSuite {

  /** 100 bytes, each its own index, so that a range's bytes say where they came from. */
  private static final byte[] CONTENT = new byte[100];

  static {
    for (int i = 0; i < CONTENT.length; i++) {
      CONTENT[i] = (byte) i;
    }
  }

  private static final String EMPTY_DIGEST =
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  private Digest push() {
    return client.pushBlob("blobs/app", CONTENT);
  }

  private String url(Digest digest) {
    return "/v2/blobs/app/blobs/" + digest;
  }

  @Test
  void getServesTheBytesWithLengthAndDigest() {
    Digest digest = push();

    Response get = client.get(url(digest));

    assertEquals(200, get.status(), get::toString);
    assertBody(get, CONTENT, digest);
    assertEquals("registry/2.0", get.header("Docker-Distribution-API-Version"));
  }

  /**
   * Blob GETs copy through buffers kept between requests: concurrent pulls of different blobs,
   * each several buffers long, and a client that leaves in the middle of one, must each still
   * get their own bytes, never a neighbour's.
   */
  @Test
  void concurrentPullsAndAnAbandonedOneEachGetTheirOwnBytes() throws Exception {
    int blobs = 6;
    byte[][] contents = new byte[blobs][];
    Digest[] digests = new Digest[blobs];
    for (int i = 0; i < blobs; i++) {
      contents[i] = new byte[700 * 1024 + i];
      new Random(i).nextBytes(contents[i]);
      digests[i] = client.pushBlob("blobs/app", contents[i]);
    }
    // A client that reads the headers and a little of the body, then closes its socket.
    try (Socket socket = new Socket(client.base().getHost(), client.base().getPort())) {
      socket.getOutputStream().write(("GET " + url(digests[0]) + " HTTP/1.1\r\nHost: x\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      assertEquals(4096, in.readNBytes(4096).length);
    }
    ExecutorService pool = Executors.newFixedThreadPool(blobs);
    try {
      for (int round = 0; round < 3; round++) {
        List<Future<Response>> gets = new ArrayList<>();
        for (int i = 0; i < blobs; i++) {
          String path = url(digests[i]);
          gets.add(pool.submit(() -> client.get(path)));
        }
        for (int i = 0; i < blobs; i++) {
          Response get = gets.get(i).get();
          assertEquals(200, get.status(), get::toString);
          assertBody(get, contents[i], digests[i]);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void headAnswersLengthAndDigestWithoutBody() {
    Digest digest = push();

    Response head = client.head(url(digest));

    assertEquals(200, head.status(), head::toString);
    assertEquals("100", head.header("Content-Length"));
    assertEquals(digest.toString(), head.header("Docker-Content-Digest"));
    assertEquals(0, head.body().length);
  }

  @Test
  void closedRangeGivesPartialContent() {
    Digest digest = push();

    Response get = client.get(url(digest), "Range", "bytes=10-19");

    assertEquals(206, get.status(), get::toString);
    assertEquals("bytes 10-19/100", get.header("Content-Range"));
    assertEquals("10", get.header("Content-Length"));
    assertArrayEquals(Arrays.copyOfRange(CONTENT, 10, 20), get.body());
  }

  @Test
  void openEndedRangeRunsToTheEnd() {
    Digest digest = push();

    Response get = client.get(url(digest), "Range", "bytes=95-");

    assertEquals(206, get.status(), get::toString);
    assertEquals("bytes 95-99/100", get.header("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(CONTENT, 95, 100), get.body());
  }

  @Test
  void suffixRangeGivesTheLastBytes() {
    Digest digest = push();

    Response get = client.get(url(digest), "Range", "bytes=-3");

    assertEquals(206, get.status(), get::toString);
    assertEquals("bytes 97-99/100", get.header("Content-Range"));
    assertArrayEquals(new byte[] {97, 98, 99}, get.body());
  }

  @Test
  void rangePastTheEndIsClampedToTheBlob() {
    Digest digest = push();

    Response get = client.get(url(digest), "Range", "bytes=90-1000");

    assertEquals(206, get.status(), get::toString);
    assertEquals("bytes 90-99/100", get.header("Content-Range"));
    assertArrayEquals(Arrays.copyOfRange(CONTENT, 90, 100), get.body());
  }

  @Test
  void unsatisfiableRangeIs416WithTheSize() {
    Digest digest = push();

    Response get = client.get(url(digest), "Range", "bytes=100-200");

    assertErrors(get, 416, "RANGE_INVALID");
    assertEquals("bytes */100", get.header("Content-Range"));
  }

  @Test
  void zeroLengthSuffixRangeIsUnsatisfiable() {
    Digest digest = push();

    Response get = client.get(url(digest), "Range", "bytes=-0");

    assertErrors(get, 416, "RANGE_INVALID");
    assertEquals("bytes */100", get.header("Content-Range"));
  }

  @Test
  void unknownBlobIs404BlobUnknown() {
    push();
    Digest other = Digest.sha256("never pushed".getBytes(StandardCharsets.UTF_8));

    assertErrors(client.get(url(other)), 404, "BLOB_UNKNOWN");
    assertHeadError(client.head(url(other)), 404);
  }

  @Test
  void blobOfAnotherRepositoryIsNotVisible() {
    Digest digest = push();
    client.pushBlob("blobs/other", "other".getBytes(StandardCharsets.UTF_8));

    assertErrors(client.get("/v2/blobs/other/blobs/" + digest), 404, "BLOB_UNKNOWN");
    assertHeadError(client.head("/v2/blobs/other/blobs/" + digest), 404);
    assertEquals(200, client.head(url(digest)).status());
  }

  @Test
  void deleteAnswers202AndTheBlobIsGone() {
    Digest digest = push();
    client.pushBlob("blobs/app", "keeps the repository".getBytes(StandardCharsets.UTF_8));

    Response delete = client.delete(url(digest));

    assertEquals(202, delete.status(), delete::toString);
    assertErrors(client.get(url(digest)), 404, "BLOB_UNKNOWN");
    assertHeadError(client.head(url(digest)), 404);
    assertErrors(client.delete(url(digest)), 404, "BLOB_UNKNOWN");
  }

  @Test
  void deleteInOneRepositoryLeavesTheBlobInAnother() {
    Digest digest = push();
    client.pushBlob("blobs/other", CONTENT);

    assertEquals(202, client.delete(url(digest)).status());

    Response other = client.get("/v2/blobs/other/blobs/" + digest);
    assertEquals(200, other.status(), other::toString);
    assertBody(other, CONTENT, digest);
  }

  /**
   * The OCI empty blob is a blob like any other (SPEC.md §7): absent until something links it; a
   * manifest that names it without pushing it (the ORAS Java SDK's way) links it when accepted.
   */
  @Test
  void emptyBlobIsServedOnceAnAcceptedManifestNamesIt() {
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    assertEquals(404, client.get("/v2/never/pushed/blobs/" + EMPTY_DIGEST).status());
    client.pushSmallImage("names/empty", "v1", "e");

    Response get = client.get("/v2/names/empty/blobs/" + EMPTY_DIGEST);
    Response head = client.head("/v2/names/empty/blobs/" + EMPTY_DIGEST);

    assertEquals(200, get.status(), get::toString);
    assertBody(get, empty, Digest.parse(EMPTY_DIGEST));
    assertEquals(200, head.status(), head::toString);
    assertEquals("2", head.header("Content-Length"));
    assertEquals(EMPTY_DIGEST, head.header("Docker-Content-Digest"));
    assertEquals(0, head.body().length);
    assertEquals(404, client.head("/v2/never/pushed/blobs/" + EMPTY_DIGEST).status(),
        "only the repository whose manifest named it");
  }

  @Test
  void emptyBlobServesRanges() {
    client.pushSmallImage("any", "v1", "r");
    Response get = client.get("/v2/any/blobs/" + EMPTY_DIGEST, "Range", "bytes=1-");

    assertEquals(206, get.status(), get::toString);
    assertEquals("bytes 1-1/2", get.header("Content-Range"));
    assertEquals("}", get.text());
  }

  @Test
  void sha512BlobIsServedBySha512Digest() {
    Digest digest = Digest.of(Digest.SHA512, CONTENT);
    Response start = client.startUpload("blobs/app");
    Response put = client.put(RegistryClient.withQuery(start.header("Location"), "digest=" + digest), CONTENT,
        "Content-Type", "application/octet-stream");
    assertEquals(201, put.status(), put::toString);

    Response get = client.get(url(digest));

    assertEquals(200, get.status(), get::toString);
    assertBody(get, CONTENT, digest);
    assertEquals(404, client.get(url(Digest.sha256(CONTENT))).status(),
        "the sha256 name was never linked");
  }
}
