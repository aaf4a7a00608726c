package dev.berth.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.registry.Registry;
import dev.berth.registry.access.Access;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.access.Permit;
import dev.berth.registry.servlet.AccessLog;
import dev.berth.registry.servlet.config.HttpOptions;
import dev.berth.registry.servlet.config.TrustedProxies;
import dev.berth.registry.servlet.testing.LogLines;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The access log over real HTTP, captured from its java.util.logging logger in-process. */
class AccessLogTest {

  private final LogLines log = LogLines.of(AccessLog.LOGGER);
  private final List<String> lines = log.lines();

  @BeforeEach
  void capture() {
    log.start();
  }

  @AfterEach
  void release() {
    log.close();
  }

  /** An access seam that knows every caller with credentials as alice (a seam, not a mock). */
  private static final AccessController ALICE = request -> new Permit() {
    @Override
    public boolean allows(Access access) {
      return true;
    }

    @Override
    public void require(Access access) {}

    @Override
    public Optional<String> user() {
      return request.caller().authorization().map(a -> "alice");
    }
  };

  /** The first line logged after {@code before} lines, once there (the log follows the answer). */
  private JsonObject lineAfter(int before) {
    String line = log.after(before);
    assertTrue(line != null, "a line was logged");
    return JsonParser.parseString(line).getAsJsonObject();
  }

  @Test
  void oneJsonLinePerRequestWithoutCredentials() throws Exception {
    HttpOptions options = HttpOptions.defaults()
        .withTrustedProxies(TrustedProxies.parse(List.of("127.0.0.1")));
    try (BerthServer server = BerthServer.builder(Registry.builder().inMemory().build())
        .closeRegistry(true).access(ALICE).httpOptions(options).accessLog(true).start()) {
      byte[] blob = "hello".getBytes(StandardCharsets.UTF_8);
      String digest = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
      int before = lines.size();
      HttpResponse<String> pushed = BerthServerTest.HTTP.send(HttpRequest.newBuilder(
          server.url().resolve("/v2/team/app/blobs/uploads/?digest=" + digest))
          .header("Authorization", "Basic YWxpY2U6czNjcjN0")
          .header("X-Forwarded-For", "198.51.100.1, 203.0.113.9")
          .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(201, pushed.statusCode(), pushed.body());

      JsonObject line = lineAfter(before);
      assertEquals("POST", line.get("method").getAsString());
      assertEquals("blob_upload", line.get("route").getAsString());
      assertEquals("team/app", line.get("repository").getAsString());
      assertEquals(digest, line.get("reference").getAsString());
      assertEquals(201, line.get("status").getAsInt());
      assertEquals(blob.length, line.get("bytesIn").getAsLong());
      assertEquals(0, line.get("bytesOut").getAsLong());
      assertTrue(line.get("durationMs").getAsDouble() >= 0);
      assertEquals("alice", line.get("user").getAsString());
      assertEquals("203.0.113.9", line.get("remoteAddr").getAsString(),
          "the right-most address the trusted proxy reported");
      String raw = lines.get(before);
      assertFalse(raw.contains("YWxpY2U6czNjcjN0") || raw.contains("s3cr3t")
          || raw.contains("Basic"), raw);

      before = lines.size();
      HttpResponse<String> read = BerthServerTest.get(server.url(),
          "/v2/team/app/blobs/" + digest);
      assertEquals(200, read.statusCode());
      JsonObject get = lineAfter(before);
      assertEquals(blob.length, get.get("bytesOut").getAsLong());
      assertFalse(get.has("user"), "anonymous: no user");
    }
  }

  @Test
  void noUploadSessionIdNorQueryStringIsLogged() throws Exception {
    try (BerthServer server = BerthServer.builder(Registry.builder().inMemory().build())
        .closeRegistry(true).accessLog(true).start()) {
      HttpResponse<String> started = BerthServerTest.HTTP.send(HttpRequest.newBuilder(
          server.url().resolve("/v2/app/blobs/uploads/")).POST(HttpRequest.BodyPublishers
          .noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(202, started.statusCode());
      String location = started.headers().firstValue("Location").orElseThrow();
      String id = location.replaceAll(".*/blobs/uploads/([^/?]+).*", "$1");
      int before = lines.size();
      HttpResponse<String> patched = BerthServerTest.HTTP.send(HttpRequest.newBuilder(
          server.url().resolve("/v2/app/blobs/uploads/" + id + "?_state=s3cr3tstate"))
          .method("PATCH", HttpRequest.BodyPublishers.ofString("abc")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(202, patched.statusCode(), patched.body());
      JsonObject line = lineAfter(before);
      assertEquals("blob_upload_chunk", line.get("route").getAsString());
      assertEquals(3, line.get("bytesIn").getAsLong());
      String raw = lines.get(before);
      assertFalse(raw.contains(id), raw);
      assertFalse(raw.contains("s3cr3tstate"), raw);

      int probes = lines.size();
      assertEquals(200, BerthServerTest.get(server.url(), "/readyz").statusCode());
      assertEquals(404, BerthServerTest.get(server.url(), "/nothing-here").statusCode());
      JsonObject unknown = lineAfter(probes);
      assertEquals("unknown", unknown.get("route").getAsString(), "probes are not logged");
    }
  }

  @Test
  void offUnlessAsked() throws Exception {
    try (BerthServer server = BerthServer.builder(Registry.builder().inMemory().build())
        .closeRegistry(true).idleTimeout(Duration.ofSeconds(5)).start()) {
      int before = lines.size();
      assertEquals(200, BerthServerTest.get(server.url(), "/v2/").statusCode());
      // A server that logs, asked afterwards: once its line is there, the first request's would
      // have been too (both are written before their connections see the next request).
      try (BerthServer logging = BerthServer.builder(Registry.builder().inMemory().build())
          .closeRegistry(true).accessLog(true).start()) {
        assertEquals(200, BerthServerTest.get(logging.url(), "/v2/").statusCode());
        lineAfter(before);
        assertEquals(before + 1, lines.size(), lines.toString());
      }
    }
  }
}
