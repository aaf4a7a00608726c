package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 1 GiB blob pushed (POST, one streamed PATCH, PUT) into and pulled back out of a registry on
 * S3 storage that runs in its own JVM with {@code -Xmx128m}, then a 64 MiB one in 3 MiB chunks:
 * uploads, joins and reads stream, and no layer ever sits whole in the heap. S3Proxy (in this
 * JVM) keeps the bucket on disk. The size is {@code -Dberth.bigPush.mib} (default 1024).
 */
class BigPushInSmallHeapTest {
  static final int MIB = 1024 * 1024;
  static final long SIZE = Long.getLong("berth.bigPush.mib", 1024) * MIB;
  static final long CHUNKED_SIZE = 64L * MIB;
  static final String HEAP = "-Xmx128m";

  @TempDir
  Path bucketDir;

  @Test
  void aOneGibPushWorksInA128MibHeap() throws Exception {
    try (S3ProxyServer proxy = S3ProxyServer.startOnDisk(bucketDir)) {
      S3Server s3 = proxy.server();
      Process registry = new ProcessBuilder(javaCommand(s3)).redirectErrorStream(true).start();
      List<String> output = new ArrayList<>();
      try {
        BufferedReader lines = new BufferedReader(new InputStreamReader(
            registry.getInputStream(), StandardCharsets.UTF_8));
        URI base = null;
        for (String line; base == null && (line = lines.readLine()) != null; ) {
          output.add(line);
          if (line.startsWith("url ")) {
            base = URI.create(line.substring(4));
          }
        }
        assertTrue(base != null, () -> "the forked registry started: " + output);

        long started = System.nanoTime();
        Digest digest = push(base);
        long pushed = System.nanoTime();
        assertEquals(digest, pull(base, digest, SIZE));
        long pulled = System.nanoTime();
        // And chunks under S3's 5 MiB minimum part: joined by re-sending them through one part
        // buffer (S3Composer), which must stay bounded too.
        Digest chunked = pushInChunks(base, CHUNKED_SIZE, 3 * MIB);
        assertEquals(chunked, pull(base, chunked, CHUNKED_SIZE));
        long chunkedDone = System.nanoTime();

        registry.getOutputStream().close();
        for (String line; (line = lines.readLine()) != null; ) {
          output.add(line);
        }
        assertTrue(registry.waitFor(60, TimeUnit.SECONDS), "the forked registry stops");
        assertEquals(0, registry.exitValue(), () -> "exit status; output: " + output);
        String peak = output.stream().filter(l -> l.startsWith("peak-heap ")).findFirst()
            .orElseThrow(() -> new AssertionError("no peak-heap line: " + output));
        System.out.printf("big push: %d MiB through a registry with %s: push %.1f s (PATCH %.1f s,"
            + " PUT %.1f s), pull %.1f s; %d MiB in 3 MiB chunks pushed and pulled in %.1f s;"
            + " peak heap %d MiB (sum of the heap pools' peaks)%n",
            SIZE / MIB, HEAP, (pushed - started) / 1e9, (patched - started) / 1e9,
            (pushed - patched) / 1e9, (pulled - pushed) / 1e9, CHUNKED_SIZE / MIB,
            (chunkedDone - pulled) / 1e9, Long.parseLong(peak.substring(10)) / MIB);
      } finally {
        registry.destroyForcibly();
      }
    }
  }

  private static List<String> javaCommand(S3Server s3) {
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP,
        "-XX:+ExitOnOutOfMemoryError", "-cp", classPath, ForkedRegistry.class.getName(),
        s3.endpoint().toString(), s3.accessKey(), s3.secretKey(), s3.bucket(),
        "big-" + UUID.randomUUID());
  }

  /** The same pseudo-random bytes every time, generated (and digested) as they are sent. */
  private static final class Generated extends InputStream {
    private final MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
    private final Random random = new Random(42);
    private final byte[] block = new byte[MIB];
    private final long size;
    private int at = block.length;
    private long sent;

    Generated(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (sent == size) {
        return -1;
      }
      if (at == block.length) {
        random.nextBytes(block);
        md.update(block);
        at = 0;
      }
      int n = (int) Math.min(Math.min(len, block.length - at), size - sent);
      System.arraycopy(block, at, b, off, n);
      at += n;
      sent += n;
      return n;
    }
  }

  /** When the PATCH was answered (the PUT's time, joining on the server, is the rest). */
  private static long patched;

  /** POST, one PATCH of the whole blob (as docker and containerd send it), PUT ?digest=. */
  private static Digest push(URI base) throws Exception {
    HttpResponse<String> post = HTTP.send(request(base, "/v2/big/blobs/uploads/")
        .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertEquals(202, post.statusCode(), post::body);
    String location = post.headers().firstValue("Location").orElseThrow();

    Generated body = new Generated(SIZE);

    HttpResponse<String> patch = HTTP.send(request(base, location)
        .header("Content-Type", "application/octet-stream")
        .method("PATCH", BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> body),
            SIZE)).build(), BodyHandlers.ofString());
    assertEquals(202, patch.statusCode(), patch::body);
    Digest digest = Digest.fromHash(Digest.SHA256, body.md.digest());
    patched = System.nanoTime();

    String next = patch.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> put = HTTP.send(request(base, next + (next.contains("?") ? "&" : "?")
        + "digest=" + digest).PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put::body);

    return digest;
  }

  /** POST, PATCHes of {@code chunk} bytes with Content-Range, PUT ?digest=. */
  private static Digest pushInChunks(URI base, long size, int chunk) throws Exception {
    HttpResponse<String> post = HTTP.send(request(base, "/v2/big/blobs/uploads/")
        .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    assertEquals(202, post.statusCode(), post::body);
    String location = post.headers().firstValue("Location").orElseThrow();
    Generated bytes = new Generated(size);
    for (long at = 0; at < size; at += chunk) {
      byte[] body = bytes.readNBytes((int) Math.min(chunk, size - at));
      HttpResponse<String> patch = HTTP.send(request(base, location)
          .header("Content-Type", "application/octet-stream")
          .header("Content-Range", at + "-" + (at + body.length - 1))
          .method("PATCH", BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());
      assertEquals(202, patch.statusCode(), patch::body);
      location = patch.headers().firstValue("Location").orElseThrow();
    }
    Digest digest = Digest.fromHash(Digest.SHA256, bytes.md.digest());
    HttpResponse<String> put = HTTP.send(request(base, location + (location.contains("?") ? "&"
        : "?") + "digest=" + digest).PUT(BodyPublishers.noBody()).build(),
        BodyHandlers.ofString());
    assertEquals(201, put.statusCode(), put::body);
    return digest;
  }

  private static Digest pull(URI base, Digest digest, long size) throws Exception {
    HttpResponse<InputStream> get = HTTP.send(request(base, "/v2/big/blobs/" + digest).GET()
        .build(), BodyHandlers.ofInputStream());
    assertEquals(200, get.statusCode());
    assertEquals(size, get.headers().firstValueAsLong("Content-Length").orElse(-1));
    MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
    long read = 0;
    try (InputStream in = get.body()) {
      byte[] buffer = new byte[MIB];
      for (int n; (n = in.read(buffer)) > 0; ) {
        md.update(buffer, 0, n);
        read += n;
      }
    }
    assertEquals(size, read);
    return Digest.fromHash(Digest.SHA256, md.digest());
  }

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  private static HttpRequest.Builder request(URI base, String pathOrUrl) {
    return HttpRequest.newBuilder(base.resolve(pathOrUrl)).timeout(Duration.ofMinutes(10));
  }
}
