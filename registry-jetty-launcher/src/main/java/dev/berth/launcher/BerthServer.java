package dev.berth.launcher;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.BerthServlet;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Berth registry served by Jetty 12. In a test, one statement gives a running in-memory registry
 * on an ephemeral loopback port:
 *
 * <pre>{@code
 * try (BerthServer registry = BerthServer.startInMemory()) {
 *   URI base = registry.url();   // http://127.0.0.1:<port>/
 * }
 * }</pre>
 */
public final class BerthServer implements AutoCloseable {

  static {
    // Jetty sizes its queue padding from the JVM's reference width, which it asks the platform
    // MBean server for: that loads JMX, some 200 classes and a tenth of a second at start-up.
    // The answer is known: compressed references (4 bytes, 16 per 64-byte cache line) below a
    // 32 GiB heap. An explicit setting wins.
    if (System.getProperty("org.eclipse.jetty.util.referencesPerCacheLine") == null) {
      boolean compressed = Runtime.getRuntime().maxMemory() < 32L * 1024 * 1024 * 1024;
      System.setProperty("org.eclipse.jetty.util.referencesPerCacheLine", compressed ? "16" : "8");
    }
  }

  private final Server server;
  private final ServerConnector connector;
  private final Registry registry;
  private final String host;

  private BerthServer(Server server, ServerConnector connector, Registry registry, String host) {
    this.server = server;
    this.connector = connector;
    this.registry = registry;
    this.host = host;
  }

  /** An in-memory registry on 127.0.0.1 and an ephemeral port, started. */
  public static BerthServer startInMemory() {
    return start(Registry.builder().inMemory().build(), "127.0.0.1", 0);
  }

  /** Serves {@code registry} on {@code host:port} (port 0 picks a free one), started. */
  public static BerthServer start(Registry registry, String host, int port) {
    return start(registry, host, port, AccessController.ALLOW_ALL, false);
  }

  /**
   * Serves {@code registry}, started.
   *
   * @param access the access seam every request passes
   * @param relativeUrls send {@code Location} headers as paths
   */
  public static BerthServer start(Registry registry, String host, int port,
      AccessController access, boolean relativeUrls) {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("berth-http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    http.addCustomizer(new ForwardedRequestCustomizer());
    // Let "/v2/a//b/..." reach the servlet, which answers NAME_INVALID as the spec wants, instead
    // of Jetty's own HTML 400 for an empty path segment. Berth routes and validates paths itself.
    http.setUriCompliance(UriCompliance.DEFAULT.with("berth",
        UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    context.addServlet(new ServletHolder("berth", new BerthServlet(registry, access, relativeUrls)),
        "/*");
    server.setHandler(context);
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // Nothing more to release.
      }
      throw new IllegalStateException("cannot start Berth on " + host + ":" + port + ": "
          + e.getMessage(), e);
    }
    return new BerthServer(server, connector, registry, host);
  }

  /** The port the registry listens on (the chosen one when 0 was asked for). */
  public int port() {
    return connector.getLocalPort();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:38211/}. */
  public URI url() {
    String shown = host == null || host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1" : host;
    if (shown.indexOf(':') >= 0) {
      shown = "[" + shown + "]";
    }
    return URI.create("http://" + shown + ":" + port() + "/");
  }

  /** {@code host:port}, the form image references use ({@code 127.0.0.1:38211/repo:tag}). */
  public String authority() {
    return url().getAuthority();
  }

  public Registry registry() {
    return registry;
  }

  /** Stops serving; requests in flight are given a moment to finish. */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop Berth", e);
    }
  }
}
