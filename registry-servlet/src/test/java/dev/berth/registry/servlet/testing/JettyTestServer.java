package dev.berth.registry.servlet.testing;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.BerthServlet;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The servlet on Jetty 12 (ee10), port 0 on 127.0.0.1. */
public final class JettyTestServer implements TestServer {
  private final Server server;
  private final ServerConnector connector;
  private final Registry registry;

  private JettyTestServer(Registry registry, AccessController access) throws Exception {
    this.registry = registry;
    server = new Server();
    // As BerthServer does: empty path segments reach the servlet (NAME_INVALID, not Jetty's 400).
    HttpConfiguration http = new HttpConfiguration();
    http.setUriCompliance(UriCompliance.DEFAULT.with("berth",
        UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    context.addServlet(new ServletHolder(new BerthServlet(registry, access, false)), "/*");
    server.setHandler(context);
    server.start();
  }

  public static JettyTestServer start(Registry registry) throws Exception {
    return new JettyTestServer(registry, AccessController.ALLOW_ALL);
  }

  public static JettyTestServer start(Registry registry, AccessController access) throws Exception {
    return new JettyTestServer(registry, access);
  }

  @Override
  public URI url() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @Override
  public Registry registry() {
    return registry;
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
