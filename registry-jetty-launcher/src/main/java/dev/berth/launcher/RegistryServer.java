package dev.berth.launcher;

import com.google.common.net.InetAddresses;
import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.BerthServlet;
import dev.berth.registry.servlet.config.HttpOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.security.KeyStore;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Jetty server of {@code berth serve}, in two steps: {@link #bind} takes the address (so that
 * "address already in use" is known before the registry is built and its data indexed), then
 * {@link #start} serves the registry. It adds to what {@link BerthServer} does for tests: HTTPS from
 * PEM files, a URL prefix, and a graceful stop that lets requests in flight finish.
 */
final class RegistryServer {

  private final Server server;
  private final ServerConnector connector;
  private final String prefix;
  private final boolean https;

  private RegistryServer(Server server, ServerConnector connector, String prefix,
      boolean https) {
    this.server = server;
    this.connector = connector;
    this.prefix = prefix;
    this.https = https;
  }

  /**
   * Binds {@code host:port} (an empty host: every interface).
   *
   * @param keyStore the certificate and key to serve HTTPS with, or null for HTTP
   * @param prefix the URL path to serve under ({@code /registry}), or empty
   * @param stopTimeout how long a stop waits for requests in flight
   * @throws IOException when the address cannot be bound (its cause has the system's reason)
   */
  static RegistryServer bind(String host, int port, Duration idleTimeout, KeyStore keyStore,
      String prefix, Duration stopTimeout) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("berth-http");
    // Jetty keeps up to an eighth of the heap in pooled buffers of each kind (heap and direct);
    // a sixteenth, at most 32 MiB each, serves 64 concurrent transfers from the pool and keeps
    // the direct ones from adding a quarter of the heap to what the process holds.
    long pooled = Math.min(Runtime.getRuntime().maxMemory() / 16, 32L << 20);
    Server server = new Server(threads, null, new ArrayByteBufferPool(0, -1, -1, -1, pooled,
        pooled));
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // As in BerthServer: every path reaches the servlet, which validates it itself.
    http.setUriCompliance(UriCompliance.UNSAFE);
    ConnectionFactory[] factories;
    if (keyStore != null) {
      // Go's TLS server does not compare the Host header with the certificate: neither does Berth.
      http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
      SslContextFactory.Server tls = new SslContextFactory.Server();
      tls.setKeyStore(keyStore);
      tls.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
      factories = new ConnectionFactory[] {new SslConnectionFactory(tls, "http/1.1"),
          new HttpConnectionFactory(http)};
    } else {
      factories = new ConnectionFactory[] {new HttpConnectionFactory(http)};
    }
    ServerConnector connector = new ServerConnector(server, factories);
    connector.setHost(host.isEmpty() ? null : host);
    connector.setPort(port);
    connector.setIdleTimeout(idleTimeout.toMillis());
    // Once a stop begins, Jetty closes connections quiet for a second (its shutdown idle
    // timeout): idle keep-alive connections go at once, bodies that keep arriving finish. A body
    // that pauses longer is cut off; its upload resumes after the restart.
    server.addConnector(connector);
    server.setStopTimeout(stopTimeout.toMillis());
    server.setStopAtShutdown(false);
    String path = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    RegistryServer bound = new RegistryServer(server, connector, path, keyStore != null);
    try {
      connector.open();
    } catch (IOException | RuntimeException e) {
      bound.close();
      throw e instanceof IOException io ? io : new IOException(e);
    }
    return bound;
  }

  /** Serves the registry on the bound address. */
  void start(Registry registry, AccessController access, HttpOptions options) throws Exception {
    ServletContextHandler context = new ServletContextHandler(prefix.isEmpty() ? "/" : prefix);
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    ServletHolder holder = new ServletHolder("berth", new BerthServlet(registry, access,
        options));
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/*");
    context.setErrorHandler(new JsonErrorHandler());
    server.setErrorHandler(new JsonErrorHandler());
    // Counts requests in flight, so that a stop waits for them (up to the stop timeout).
    server.setHandler(new GracefulHandler(context));
    server.start();
  }

  /** The address really bound (the port chosen when 0 was asked for). */
  InetSocketAddress address() throws IOException {
    return (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
  }

  /** The URL of the bound address ({@code http://[::]:5000/} when bound to every interface). */
  String url() throws IOException {
    InetSocketAddress a = address();
    return (https ? "https" : "http") + "://" + InetAddresses.toUriString(a.getAddress()) + ":"
        + a.getPort() + prefix + "/";
  }

  /** "every interface" for a wildcard address, else nothing. */
  String scope() throws IOException {
    InetAddress a = address().getAddress();
    if (!a.isAnyLocalAddress()) {
      return "";
    }
    return a instanceof java.net.Inet6Address ? "every interface, IPv4 and IPv6"
        : "every IPv4 interface";
  }

  /**
   * Stops: no new connections, requests in flight finish (up to the stop timeout, then their
   * connections are closed), then the threads end.
   */
  void close() {
    try {
      if (!server.isStarted()) {
        connector.close();
      }
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop Berth: " + e, e);
    }
  }
}
