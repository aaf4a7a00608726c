package dev.berth.registry.servlet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.BerthServlet;
import dev.berth.registry.servlet.config.HttpOptions;
import dev.berth.registry.servlet.config.TrustedProxies;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Forwarded} and {@code X-Forwarded-*} decide the URLs Berth sends back only when the peer is
 * a configured trusted proxy; otherwise a client cannot point {@code Location} at a host it chose.
 */
class TrustedProxiesTest {

  private Server server;

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private RegistryClient start(TrustedProxies proxies) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder holder = new ServletHolder(new BerthServlet(Registry.builder().inMemory().build(),
        AccessController.ALLOW_ALL, HttpOptions.defaults().withTrustedProxies(proxies)));
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/*");
    server.setHandler(context);
    server.start();
    return new RegistryClient(URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"));
  }

  private static String location(RegistryClient client, String... headers) {
    Response r = client.post("/v2/app/blobs/uploads/", null, headers);
    assertEquals(202, r.status(), r::toString);
    URI location = URI.create(r.header("Location"));
    return location.getScheme() + "://" + location.getAuthority();
  }

  @Test
  void withoutTrustedProxiesForwardedHeadersAreIgnored() throws Exception {
    RegistryClient client = start(TrustedProxies.none());
    String own = location(client);
    assertEquals(own, location(client, "X-Forwarded-Host", "evil.example",
        "X-Forwarded-Proto", "https"));
    assertEquals(own, location(client, "Forwarded", "proto=https;host=evil.example"));
  }

  @Test
  void fromATrustedProxyTheyDecideTheUrls() throws Exception {
    RegistryClient client = start(TrustedProxies.parse(List.of("127.0.0.0/8")));
    assertEquals("https://registry.example", location(client, "X-Forwarded-Host",
        "registry.example", "X-Forwarded-Proto", "https"));
    assertEquals("https://registry.example:8443", location(client, "Forwarded",
        "proto=https;host=\"registry.example:8443\", for=10.0.0.1"));
    assertEquals("http://registry.example:5001", location(client, "X-Forwarded-Host",
        "registry.example", "X-Forwarded-Port", "5001"));
  }

  @Test
  void aProxyOutsideTheListIsNotTrusted() throws Exception {
    RegistryClient client = start(TrustedProxies.parse(List.of("10.0.0.0/8", "::1")));
    String own = location(client);
    assertEquals(own, location(client, "X-Forwarded-Host", "evil.example"));
  }
}
