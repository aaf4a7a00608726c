package dev.berth.jetty;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.Registry;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class BerthServerTest {

  static final HttpClient HTTP = HttpClient.newHttpClient();

  static HttpResponse<String> get(URI base, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static Digest putBlob(Registry registry, String repository, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(bytes);
    registry.uploads().putWhole(RepositoryName.parse(repository), digest,
        new ByteArrayInputStream(bytes), bytes.length);
    return digest;
  }

  @Test
  void startsInMemoryOnALoopbackPort() throws Exception {
    try (BerthServer server = BerthServer.startInMemory()) {
      HttpResponse<String> r = get(server.url(), "/v2/");

      assertEquals(200, r.statusCode());
      assertEquals("{}", r.body());
      assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version")
          .orElse(null));
      assertEquals(URI.create("http://127.0.0.1:" + server.port() + "/"), server.url());
      assertEquals("127.0.0.1:" + server.port(), server.authority());
    }
  }

  @Test
  void jettysOwnRefusalsUseTheErrorEnvelope() throws Exception {
    try (BerthServer server = BerthServer.startInMemory()) {
      // A request line Jetty refuses before the servlet sees it.
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
        s.getOutputStream().write("GET /v2/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("{\"errors\":[{\"code\":\"UNSUPPORTED\""), answer);
      }
    }
  }

  @Test
  void everyMethodButCloseFailsClearlyOnceClosed() {
    BerthServer server = BerthServer.startInMemory();
    server.close();

    assertDoesNotThrow(server::close, "closing twice");
    for (Executable call : new Executable[] {server::port, server::url, server::authority,
        server::registry, () -> server.serve(Registry.builder().inMemory().build())}) {
      IllegalStateException e = assertThrows(IllegalStateException.class, call);
      assertEquals("this Berth server is closed", e.getMessage());
    }
    assertEquals("Berth server (closed)", server.toString());
  }

  @Test
  void servesAnotherRegistryOnTheSamePort() throws Exception {
    try (Registry first = Registry.builder().inMemory().build();
        Registry second = Registry.builder().inMemory().build();
        BerthServer server = BerthServer.start(first, "127.0.0.1", 0)) {
      Digest old = putBlob(first, "app", "first");
      Digest fresh = putBlob(second, "app", "second");
      int port = server.port();
      assertEquals(200, get(server.url(), "/v2/app/blobs/" + old).statusCode());

      server.serve(second);

      assertEquals(port, server.port());
      assertSame(second, server.registry());
      assertEquals(404, get(server.url(), "/v2/app/blobs/" + old).statusCode());
      assertEquals("second", get(server.url(), "/v2/app/blobs/" + fresh).body());
      // A registry handed to the server stays its owner's: still usable.
      assertTrue(first.blobs().stat(RepositoryName.parse("app"), old).isPresent());
    }
  }

  @Test
  void aWrapperSeesEveryRequestBeforeTheServlet() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    Handler.Wrapper counting = new Handler.Wrapper() {
      @Override
      public boolean handle(Request request, Response response, Callback callback)
          throws Exception {
        seen.incrementAndGet();
        return super.handle(request, response, callback);
      }
    };
    try (Registry registry = Registry.builder().inMemory().build();
        BerthServer server = BerthServer.builder(registry).wrap(counting).start()) {
      assertEquals(200, get(server.url(), "/v2/").statusCode());
      server.serve(Registry.builder().inMemory().build());
      assertEquals(404, get(server.url(), "/v2/nothing/tags/list").statusCode());
    }
    assertEquals(2, seen.get());
  }

  @Test
  void aPortInUseFailsWithTheAddress() {
    try (BerthServer first = BerthServer.startInMemory();
        Registry registry = Registry.builder().inMemory().build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> BerthServer.start(registry, "127.0.0.1", first.port()));
      assertTrue(e.getMessage().startsWith("cannot start Berth on 127.0.0.1:" + first.port()),
          e.getMessage());
      assertNotEquals(0, first.port());
    }
  }
}
