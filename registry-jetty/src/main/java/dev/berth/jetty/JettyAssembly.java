package dev.berth.jetty;

import com.google.common.net.InetAddresses;
import dev.berth.registry.Registry;
import dev.berth.registry.servlet.HealthCheck;
import dev.berth.registry.servlet.ManagementServlet;
import dev.berth.registry.servlet.RequestObserver;
import dev.berth.registry.servlet.config.HttpOptions;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The one place Berth's Jetty is put together, for tests, embedding and the launcher alike: the
 * thread pool, the buffer pool, the connector (HTTP or HTTPS), the servlet's context (at the
 * root or under a prefix), the JSON error pages and the graceful stop. {@link #bind} takes the
 * address, {@link #start} serves a registry on it.
 */
final class JettyAssembly {

  /** Connector names, which contexts name in their virtual hosts to take only their port. */
  private static final String MAIN = "berth";
  private static final String MANAGEMENT = "management";

  private final Server server;
  private final ServerConnector connector;
  private final ServerConnector management;
  private final HttpConfiguration http;

  private JettyAssembly(Server server, ServerConnector connector, ServerConnector management,
      HttpConfiguration http) {
    this.server = server;
    this.connector = connector;
    this.management = management;
    this.http = http;
  }

  ServerConnector connector() {
    return connector;
  }

  /** The management port's connector, or null. */
  ServerConnector management() {
    return management;
  }

  /** Builds the server and opens its connector (the address is taken, nothing served yet). */
  static JettyAssembly bind(BerthServer.Builder b) throws IOException {
    // A plain queue: Jetty's default BlockingArrayQueue sizes its padding by asking the platform
    // MBean server for the JVM's reference width, which loads JMX (~250 classes) at start-up.
    QueuedThreadPool threads = new QueuedThreadPool(200, 4, 60_000,
        new LinkedBlockingQueue<>());
    threads.setName("berth-http");
    threads.setDaemon(true);
    // Jetty's own pool (null) unless the caller bounds it (BerthServer.Builder#bufferPoolBytes).
    ArrayByteBufferPool buffers = b.bufferPoolBytes > 0 ? new ArrayByteBufferPool(0, -1, -1, -1,
        b.bufferPoolBytes, b.bufferPoolBytes) : null;
    Server server = new Server(threads, new ScheduledExecutorScheduler("berth-scheduler", true),
        buffers);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Every path reaches the servlet, which routes and validates it itself: "/v2/a//b", "%2e%2e",
    // "%2f" or bytes that are not UTF-8 get the spec's NAME_INVALID (or 404), never a page of
    // Jetty's. "%00" is the exception: Jetty refuses it in any path, whatever the compliance
    // ("Illegal character in path"), and JsonErrorHandler answers 400 in the envelope. Forwarded
    // headers are the servlet's business too (trusted proxies only).
    http.setUriCompliance(UriCompliance.UNSAFE);
    ConnectionFactory[] factories = b.security.https() ? tls(b.security, http)
        : new ConnectionFactory[] {new HttpConnectionFactory(http)};
    ServerConnector connector = new ServerConnector(server, factories);
    connector.setHost(b.host.isEmpty() ? null : b.host);
    connector.setPort(b.port);
    connector.setIdleTimeout(b.idleTimeout.toMillis());
    // Jetty's default accept queue is the JVM's listen backlog of 50: a burst of connections
    // beyond it (a CI farm starting its pulls, a thousand uploads at once) has its SYNs dropped,
    // and each dropped client waits a second or more for its retransmit. registry:2 (Go) listens
    // with the kernel's somaxconn; the kernel caps this value at somaxconn too.
    connector.setAcceptQueueSize(BerthServer.ACCEPT_QUEUE);
    server.addConnector(connector);
    ServerConnector management = null;
    if (b.management != null) {
      connector.setName(MAIN);
      management = new ServerConnector(server, new HttpConnectionFactory(http));
      management.setName(MANAGEMENT);
      management.setHost(b.management.host.isEmpty() ? null : b.management.host);
      management.setPort(b.management.port);
      management.setIdleTimeout(b.idleTimeout.toMillis());
      server.addConnector(management);
    }
    server.setStopAtShutdown(false);
    if (b.stopTimeout != null) {
      // Once a stop begins, Jetty closes connections quiet for a second (its shutdown idle
      // timeout): idle keep-alive connections go at once, bodies that keep arriving finish.
      server.setStopTimeout(b.stopTimeout.toMillis());
    }
    JettyAssembly assembly = new JettyAssembly(server, connector, management, http);
    try {
      connector.open();
      if (management != null) {
        management.open();
      }
    } catch (IOException | RuntimeException e) {
      assembly.release();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
    return assembly;
  }

  /**
   * TLS, then HTTP/2 or HTTP/1.1 as ALPN negotiates (the JDK's own ALPN: Java 9 and later), and
   * with client CAs a certificate every client must present (need, not want: a connection
   * without one fails its handshake, as Go's {@code RequireAndVerifyClientCert} does).
   */
  private static ConnectionFactory[] tls(ServerSecurity security, HttpConfiguration http) {
    // Go's TLS server does not compare the Host header with the certificate: neither does Berth.
    http.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStore(security.keyStore);
    tls.setKeyStorePassword(new String(security.keyStorePassword));
    if (security.clientCas != null) {
      tls.setTrustStore(security.clientCas);
      tls.setNeedClientAuth(true);
    }
    HttpConnectionFactory http1 = new HttpConnectionFactory(http);
    if (!security.http2) {
      return new ConnectionFactory[] {new SslConnectionFactory(tls, http1.getProtocol()), http1};
    }
    // RFC 9113 9.2.2: HTTP/2 refuses some TLS 1.2 ciphers; order the allowed ones first.
    tls.setCipherComparator(HTTP2Cipher.COMPARATOR);
    HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(
        ServerSecurity.protocols(true).toArray(String[]::new));
    alpn.setDefaultProtocol(http1.getProtocol());
    return new ConnectionFactory[] {new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2,
        http1};
  }

  /** Serves {@code registry} on the bound address; on failure the address is released. */
  BerthServer start(BerthServer.Builder b, Registry registry) {
    HttpOptions options = b.options != null ? b.options : HttpOptions.defaults();
    ServletContextHandler context = new ServletContextHandler(b.contextPath.isEmpty() ? "/"
        : b.contextPath);
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    AtomicReference<Registry> current = new AtomicReference<>(registry);
    HealthCheck health = HealthCheck.of(current::get, b.healthEnabled, b.healthInterval,
        b.healthThreshold);
    ServletParts parts = new ServletParts(b.resolvedAccess, options,
        RequestObserver.all(b.observers), health, current);
    ServletSlot slot = new ServletSlot(parts.servlet(registry));
    ServletHolder holder = new ServletHolder("berth", slot);
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/*");
    b.security.tokenEndpoint().ifPresent(t -> context.addServlet(new ServletHolder("berth-token",
        t.servlet()), t.path()));
    if (b.security.clientCas != null) {
      context.addFilter(new FilterHolder(new ClientCertificateUser()), "/*",
          EnumSet.of(DispatcherType.REQUEST));
    }
    context.setErrorHandler(new JsonErrorHandler(http.getRequestHeaderSize()));
    Handler handler = context;
    if (b.wrapper != null) {
      b.wrapper.setHandler(handler);
      handler = b.wrapper;
    }
    if (management != null) {
      // One server, two ports: each context takes only its own connector's requests.
      context.setVirtualHosts(List.of("@" + MAIN));
      ServletContextHandler manage = new ServletContextHandler("/");
      manage.setVirtualHosts(List.of("@" + MANAGEMENT));
      manage.addServlet(new ServletHolder("berth-management", new ManagementServlet(current::get,
          health, b.management.metricsPath, b.management.metrics)), "/*");
      manage.setErrorHandler(new JsonErrorHandler(http.getRequestHeaderSize()));
      ContextHandlerCollection both = new ContextHandlerCollection();
      both.addHandler(handler);
      both.addHandler(manage);
      handler = both;
    }
    if (b.stopTimeout != null) {
      // Counts requests in flight, so that a stop waits for them (up to the stop timeout).
      handler = new GracefulHandler(handler);
    }
    server.setHandler(handler);
    server.setErrorHandler(new JsonErrorHandler(http.getRequestHeaderSize()));
    try {
      server.start();
    } catch (Exception e) {
      release();
      throw new IllegalStateException("cannot start Berth on " + b.host + ":" + b.port + ": "
          + e.getMessage(), e);
    } finally {
      if (!BerthServer.JETTY_GIT_HASH_PRESET) {
        System.clearProperty(BerthServer.JETTY_GIT_HASH);
      }
    }
    return new BerthServer(b, registry, parts, server, this, slot);
  }

  /** Closes the connector and stops whatever was started. */
  void release() {
    try {
      connector.close();
      if (management != null) {
        management.close();
      }
      server.stop();
    } catch (Exception ignored) {
      // Nothing more to release.
    }
  }

  /** The address a connector really bound. */
  static InetSocketAddress address(ServerConnector connector) {
    try {
      return (InetSocketAddress) ((ServerSocketChannel) connector.getTransport())
          .getLocalAddress();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code scheme://address:port/prefix/}, an IPv6 address in brackets. */
  static URI url(String scheme, InetSocketAddress address, String contextPath) {
    return URI.create(scheme + "://" + InetAddresses.toUriString(address.getAddress()) + ":"
        + address.getPort() + contextPath + "/");
  }
}
