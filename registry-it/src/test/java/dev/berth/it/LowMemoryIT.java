package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.RandomBlob;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blobs stream: a launcher with a 96 MiB heap takes and serves 512 MiB blobs, pushed as one
 * streamed PATCH (chunked transfer, no length) and as a monolithic {@code PUT ?digest=}. The test
 * JVM never holds a blob either: content is generated while it is sent and hashed while it is
 * received. The temporary directory (about 1 GiB) is deleted after the test.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LowMemoryIT {

  static final long SIZE = 512L * 1024 * 1024;
  static final String REPO = "it/big";

  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();

  @TempDir
  Path data;

  @Test
  void halfAGigabyteThroughANinetySixMegabyteHeap() throws Exception {
    try (BerthProcess berth = BerthProcess.start(List.of("-Xmx96m"), "--storage",
        data.toString())) {
      RegistryClient client = new RegistryClient(berth.url());

      // POST, one streamed PATCH without Content-Range or Content-Length, PUT ?digest=.
      RandomBlob patched = new RandomBlob(512, SIZE);
      RegistryClient.Response started = client.post("/v2/" + REPO + "/blobs/uploads/", null);
      assertEquals(202, started.status(), started::toString);
      RandomBlob.Stream stream = patched.stream();
      HttpResponse<String> patch = send("PATCH", client.resolve(started.header("Location")),
          once(stream), "Content-Type", "application/octet-stream");
      assertEquals(202, patch.statusCode(), () -> patch + " " + patch.body() + berth.output());
      assertEquals("0-" + (SIZE - 1), patch.headers().firstValue("Range").orElse(null));
      Digest patchedDigest = stream.digest();
      RegistryClient.Response closed = client.put(RegistryClient.withQuery(
          patch.headers().firstValue("Location").orElseThrow(), "digest=" + patchedDigest), null);
      assertEquals(201, closed.status(), closed::toString);
      assertPulledWhole(client, patchedDigest);
      assertRangeNearEnd(client, patched, patchedDigest);

      // POST, then the whole blob in the closing PUT ?digest= (with its Content-Length).
      RandomBlob monolithic = new RandomBlob(513, SIZE);
      Digest monolithicDigest = monolithic.digest();
      RegistryClient.Response session = client.post("/v2/" + REPO + "/blobs/uploads/", null);
      assertEquals(202, session.status(), session::toString);
      HttpResponse<String> put = send("PUT", client.resolve(RegistryClient.withQuery(
          session.header("Location"), "digest=" + monolithicDigest)),
          BodyPublishers.fromPublisher(once(monolithic.stream()), SIZE),
          "Content-Type", "application/octet-stream");
      assertEquals(201, put.statusCode(), () -> put + " " + put.body() + berth.output());
      assertPulledWhole(client, monolithicDigest);
      assertRangeNearEnd(client, monolithic, monolithicDigest);

      assertTrue(berth.isAlive(), berth::output);
      assertFalse(berth.output().contains("OutOfMemoryError"), berth::output);
    }
  }

  /** A body publisher over {@code in} that refuses to be read twice (a retry would resend). */
  static BodyPublisher once(InputStream in) {
    AtomicInteger calls = new AtomicInteger();
    return BodyPublishers.ofInputStream(() -> {
      if (calls.incrementAndGet() > 1) {
        throw new IllegalStateException("the body was asked for twice");
      }
      return in;
    });
  }

  static HttpResponse<String> send(String method, URI uri, BodyPublisher body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
        .method(method, body);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Pulls the blob as a stream, hashing it on the way; never holds it. */
  static void assertPulledWhole(RegistryClient client, Digest digest) throws Exception {
    HttpRequest get = HttpRequest.newBuilder(client.resolve("/v2/" + REPO + "/blobs/" + digest))
        .timeout(Duration.ofMinutes(2)).GET().build();
    HttpResponse<InputStream> r = HTTP.send(get, HttpResponse.BodyHandlers.ofInputStream());
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    long total = 0;
    try (InputStream in = r.body()) {
      if (r.statusCode() != 200) {
        fail("GET blob " + digest + " -> " + r.statusCode() + " "
            + new String(in.readNBytes(2000)));
      }
      assertEquals(String.valueOf(SIZE), r.headers().firstValue("Content-Length").orElse(null));
      byte[] buffer = new byte[256 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha256.update(buffer, 0, n);
        total += n;
      }
    }
    assertEquals(SIZE, total);
    assertEquals(digest, Digest.fromHash(Digest.SHA256, sha256.digest()));
  }

  static void assertRangeNearEnd(RegistryClient client, RandomBlob blob, Digest digest) {
    long from = SIZE - 70_000 - 13;
    long to = SIZE - 13;
    RegistryClient.Response r = client.get("/v2/" + REPO + "/blobs/" + digest,
        "Range", "bytes=" + from + "-" + (to - 1));
    assertEquals(206, r.status(), r::toString);
    assertEquals("bytes " + from + "-" + (to - 1) + "/" + SIZE, r.header("Content-Range"));
    assertArrayEquals(blob.slice(from, (int) (to - from)), r.body());
  }
}
