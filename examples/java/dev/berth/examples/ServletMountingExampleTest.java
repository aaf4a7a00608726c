package dev.berth.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mounting example serves the API. */
class ServletMountingExampleTest {
  @TempDir
  Path data;

  @Test
  void theMountedServletServesTheApi() throws Exception {
    Server server = ServletMountingExample.start(0, data);
    try {
      int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
      HttpResponse<String> catalog = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/v2/_catalog")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, catalog.statusCode());
      assertEquals("{\"repositories\":[]}", catalog.body());
    } finally {
      server.stop();
    }
  }
}
