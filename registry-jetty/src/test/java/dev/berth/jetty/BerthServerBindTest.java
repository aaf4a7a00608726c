package dev.berth.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.Registry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What the launcher asks of BerthServer: bind before building, a prefix, the bound address. */
class BerthServerBindTest {

  @Test
  void bindsBeforeTheRegistryExistsAndServesUnderAPrefix() throws Exception {
    try (BoundServer bound = BerthServer.builder().contextPath("/registry/")
        .stopTimeout(Duration.ofSeconds(2)).bind()) {
      InetSocketAddress address = bound.address();
      assertTrue(address.getPort() > 0, address::toString);

      try (Registry registry = Registry.builder().inMemory().build();
          BerthServer server = bound.start(registry)) {
        assertEquals(address, server.address());
        assertEquals(URI.create("http://127.0.0.1:" + server.port() + "/registry/"),
            server.url());
        assertEquals(server.url(), server.boundUrl());
        assertEquals(200, BerthServerTest.get(server.url(), "v2/").statusCode());
        assertEquals(404, BerthServerTest.get(server.url(), "/v2/").statusCode(),
            "nothing is served outside the prefix");
      }
    }
  }

  @Test
  void anAddressInUseFailsTheBindWithTheSystemsReason() throws Exception {
    try (BoundServer first = BerthServer.builder().bind()) {
      int port = first.address().getPort();
      IOException e = assertThrows(IOException.class,
          () -> BerthServer.builder().port(port).bind());
      Throwable cause = e;
      while (!(cause instanceof BindException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      assertTrue(cause instanceof BindException, () -> "not a BindException: " + e);
    }
  }

  @Test
  void aClosedBindingReleasesItsPort() throws Exception {
    int port;
    try (BoundServer bound = BerthServer.builder().bind()) {
      port = bound.address().getPort();
    }
    try (BoundServer again = BerthServer.builder().port(port).bind()) {
      assertEquals(port, again.address().getPort());
    }
  }

  @Test
  void aBuilderWithoutARegistryCannotStartDirectly() {
    assertThrows(IllegalStateException.class, () -> BerthServer.builder().start());
  }
}
