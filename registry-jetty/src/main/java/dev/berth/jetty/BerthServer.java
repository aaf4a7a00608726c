package dev.berth.launcher;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.BerthServlet;
import dev.berth.registry.servlet.config.HttpOptions;
import java.net.URI;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
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

  /** Connections that send nothing for this long are closed (headers or body alike). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  private final Server server;
  private final ServerConnector connector;
  private final Registry registry;
  private final boolean ownsRegistry;
  private final String host;

  private BerthServer(Server server, ServerConnector connector, Registry registry,
      boolean ownsRegistry, String host) {
    this.server = server;
    this.connector = connector;
    this.registry = registry;
    this.ownsRegistry = ownsRegistry;
    this.host = host;
  }

  /** An in-memory registry on 127.0.0.1 and an ephemeral port, started; closing discards it. */
  public static BerthServer startInMemory() {
    return start(Registry.builder().inMemory().build(), "127.0.0.1", 0, AccessController.ALLOW_ALL,
        HttpOptions.defaults(), DEFAULT_IDLE_TIMEOUT, true);
  }

  /** Serves {@code registry} on {@code host:port} (port 0 picks a free one), started. */
  public static BerthServer start(Registry registry, String host, int port) {
    return start(registry, host, port, AccessController.ALLOW_ALL, HttpOptions.defaults(),
        DEFAULT_IDLE_TIMEOUT);
  }

  /**
   * Serves {@code registry}, started. Closing the server leaves the registry open.
   *
   * @param access the access seam every request passes
   * @param options how the servlet speaks HTTP (URLs, trusted proxies, minimum body rate)
   * @param idleTimeout close connections that send nothing for this long
   */
  public static BerthServer start(Registry registry, String host, int port,
      AccessController access, HttpOptions options, Duration idleTimeout) {
    return start(registry, host, port, access, options, idleTimeout, false);
  }

  private static BerthServer start(Registry registry, String host, int port,
      AccessController access, HttpOptions options, Duration idleTimeout, boolean ownsRegistry) {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("berth-http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Every path reaches the servlet, which routes and validates it itself: "/v2/a//b", "%2e%2e",
    // "%2f", "%00" or bytes that are not UTF-8 get the spec's NAME_INVALID (or 404), never a
    // page of Jetty's. Forwarded headers are the servlet's business too (trusted proxies only).
    http.setUriCompliance(UriCompliance.UNSAFE);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(idleTimeout.toMillis());
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    ServletHolder holder = new ServletHolder("berth", new BerthServlet(registry, access, options));
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/*");
    context.setErrorHandler(new JsonErrorHandler());
    server.setErrorHandler(new JsonErrorHandler());
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
    return new BerthServer(server, connector, registry, ownsRegistry, host);
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

  /**
   * Stops serving; requests in flight are given a moment to finish. A registry this server made
   * ({@link #startInMemory()}) is closed too.
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop Berth", e);
    } finally {
      if (ownsRegistry) {
        registry.close();
      }
    }
  }
}
