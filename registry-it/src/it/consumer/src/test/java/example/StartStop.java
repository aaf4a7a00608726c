package example;

import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A start, one request, another registry behind the same port (what the extension does between
 * tests), one more request and a stop; prints nothing itself unless a request fails.
 */
public final class StartStop {
  private StartStop() {}

  public static void main(String[] args) throws Exception {
    try (BerthServer server = BerthServer.startInMemory()) {
      check(server);
      server.serve(Registry.builder().inMemory().build());
      check(server);
    }
  }

  static void check(BerthServer server) throws Exception {
    int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(server.url() + "v2/")).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
    if (status != 200) {
      System.out.println("GET /v2/ answered " + status);
      System.exit(1);
    }
  }
}
