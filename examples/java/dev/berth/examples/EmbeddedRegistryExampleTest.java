package dev.berth.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.jetty.BerthServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Embedding Berth in a test: one statement starts an in-memory registry on an ephemeral loopback
 * port; {@code close()} stops it. Point any client (Jib, the ORAS SDK, skopeo, a plain HTTP
 * client) at {@code registry.url()} or at image references under {@code registry.authority()}.
 */
class EmbeddedRegistryExampleTest {

  @Test
  void startsARegistryInOneStatement() throws Exception {
    try (BerthServer registry = BerthServer.startInMemory()) {
      URI base = registry.url(); // e.g. http://127.0.0.1:41823/

      HttpResponse<String> answer = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(base.resolve("/v2/")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertEquals(200, answer.statusCode());
      assertEquals("registry/2.0",
          answer.headers().firstValue("Docker-Distribution-API-Version").orElseThrow());
    }
  }
}
