package dev.berth.jetty;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.BerthServlet;
import dev.berth.registry.servlet.config.HttpOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * A Berth registry served by Jetty 12. In a test, one statement gives a running in-memory registry
 * on an ephemeral loopback port:
 *
 * <pre>{@code
 * try (BerthServer registry = BerthServer.startInMemory()) {
 *   URI base = registry.url();   // http://127.0.0.1:<port>/
 * }
 * }</pre>
 *
 * <p>It prints nothing and sets no system property. Its threads are daemons, so a program whose
 * {@code main} returns exits even if a server was left open. Every method but {@link #close()}
 * throws {@link IllegalStateException} once the server is closed.
 */
public final class BerthServer implements AutoCloseable {

  /** Connections the kernel may hold for Jetty to accept (capped by somaxconn). */
  static final int ACCEPT_QUEUE = 1024;

  /** Connections that send nothing for this long are closed (headers or body alike). */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Jetty's {@code org.eclipse.jetty.util.Jetty} publishes its build's git hash as the system
   * property {@code jetty.git.hash} when it is loaded; nothing reads it. Unless it was there before
   * Berth loaded Jetty, a start removes it again, so that embedding Berth changes no property.
   */
  private static final String JETTY_GIT_HASH = "jetty.git.hash";
  private static final boolean JETTY_GIT_HASH_PRESET = System.getProperty(JETTY_GIT_HASH) != null;

  private final Server server;
  private final ServerConnector connector;
  private final ServletSlot slot;
  private final AccessController access;
  private final HttpOptions options;
  private final String host;
  private Registry registry;
  private boolean ownsRegistry;
  private volatile boolean closed;

  private BerthServer(Builder b, Server server, ServerConnector connector, ServletSlot slot) {
    this.server = server;
    this.connector = connector;
    this.slot = slot;
    this.access = b.access;
    this.options = b.options;
    this.host = b.host;
    this.registry = b.registry;
    this.ownsRegistry = b.ownsRegistry;
  }

  /** An in-memory registry on 127.0.0.1 and an ephemeral port, started; closing discards it. */
  public static BerthServer startInMemory() {
    prepare();
    return builder(Registry.builder().inMemory().build()).closeRegistry(true).start();
  }

  /**
   * Begins loading, on a daemon thread, what the first server in this JVM needs, so that it
   * overlaps with whatever the caller does next (building its registry, a test framework's set-up).
   * Optional and idempotent; {@link #startInMemory()} and the JUnit extension call it themselves.
   */
  public static void prepare() {
    JettyWarmUp.begin();
  }

  /** Serves {@code registry} on {@code host:port} (port 0 picks a free one), started. */
  public static BerthServer start(Registry registry, String host, int port) {
    return builder(registry).host(host).port(port).start();
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
    return builder(registry).host(host).port(port).access(access).httpOptions(options)
        .idleTimeout(idleTimeout).start();
  }

  /** A server for {@code registry}, on 127.0.0.1 and an ephemeral port unless told otherwise. */
  public static Builder builder(Registry registry) {
    return new Builder(registry);
  }

  /** The port the registry listens on (the chosen one when 0 was asked for). */
  public int port() {
    requireOpen();
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

  /** The registry being served. */
  public synchronized Registry registry() {
    requireOpen();
    return registry;
  }

  /**
   * Serves {@code next} from now on, on the same port (a test's fresh registry). Requests that
   * arrive later see only {@code next}: a new servlet serves it, and the old one goes with
   * everything it cached; Jetty itself is not restarted. A registry the server made itself
   * ({@link #startInMemory()}) is closed when it is replaced; one you handed it stays yours.
   */
  public synchronized void serve(Registry next) {
    requireOpen();
    Registry previous = registry;
    boolean ownedPrevious = ownsRegistry;
    try {
      slot.serve(new BerthServlet(Objects.requireNonNull(next, "registry"), access, options));
    } catch (jakarta.servlet.ServletException e) {
      throw new IllegalStateException("cannot serve the new registry", e);
    }
    registry = next;
    ownsRegistry = false;
    if (ownedPrevious) {
      previous.close();
    }
  }

  /**
   * Stops serving; requests in flight are given a moment to finish. A registry this server made
   * ({@link #startInMemory()}, or {@link Builder#closeRegistry}) is closed too. Closing twice does
   * nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
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

  @Override
  public String toString() {
    return closed ? "Berth server (closed)" : "Berth server on " + url();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this Berth server is closed");
    }
  }

  /** Configures a {@link BerthServer}; {@link #start()} makes it. */
  public static final class Builder {
    private final Registry registry;
    private String host = "127.0.0.1";
    private int port;
    private AccessController access = AccessController.ALLOW_ALL;
    private HttpOptions options;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private boolean ownsRegistry;
    private Handler.Wrapper wrapper;

    private Builder(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The address to listen on; {@code 127.0.0.1} by default, {@code 0.0.0.0} for every one. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The access seam every request passes; everything is allowed by default. */
    public Builder access(AccessController access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    /** How the servlet speaks HTTP (URLs, trusted proxies, minimum body rate). */
    public Builder httpOptions(HttpOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Close connections that send nothing for this long (30 s by default). */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /** Whether closing the server closes the registry too (not by default). */
    public Builder closeRegistry(boolean close) {
      this.ownsRegistry = close;
      return this;
    }

    /**
     * A handler every request passes before the servlet (a request log, a test harness): the
     * server sets its handler to the servlet's context.
     */
    public Builder wrap(Handler.Wrapper wrapper) {
      this.wrapper = Objects.requireNonNull(wrapper, "wrapper");
      return this;
    }

    /** Starts the server; on failure nothing is left running (the registry is closed if owned). */
    public BerthServer start() {
      try {
        return JettyStart.start(this);
      } catch (RuntimeException | Error e) {
        if (ownsRegistry) {
          registry.close();
        }
        throw e;
      }
    }
  }

  /** Builds and starts the Jetty server for a builder. */
  private static final class JettyStart {
    private JettyStart() {}

    static BerthServer start(Builder b) {
      HttpOptions options = b.options != null ? b.options : HttpOptions.defaults();
      b.options = options;
      // A plain queue: Jetty's default BlockingArrayQueue sizes its padding by asking the platform
      // MBean server for the JVM's reference width, which loads JMX (~250 classes) at start-up.
      QueuedThreadPool threads = new QueuedThreadPool(200, 4, 60_000,
          new LinkedBlockingQueue<>());
      threads.setName("berth-http");
      threads.setDaemon(true);
      Server server = new Server(threads, new ScheduledExecutorScheduler("berth-scheduler", true),
          null);
      HttpConfiguration http = new HttpConfiguration();
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
      // Every path reaches the servlet, which routes and validates it itself: "/v2/a//b", "%2e%2e",
      // "%2f" or bytes that are not UTF-8 get the spec's NAME_INVALID (or 404), never a page of
      // Jetty's. "%00" is the exception: Jetty refuses it in any path, whatever the compliance
      // ("Illegal character in path"), and JsonErrorHandler answers 400 in the envelope. Forwarded
      // headers are the servlet's business too (trusted proxies only).
      http.setUriCompliance(UriCompliance.UNSAFE);
      ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
      connector.setHost(b.host);
      connector.setPort(b.port);
      connector.setIdleTimeout(b.idleTimeout.toMillis());
      // Jetty's default accept queue is the JVM's listen backlog of 50: a burst of connections
      // beyond it (a CI farm starting its pulls, a thousand uploads at once) has its SYNs dropped,
      // and each dropped client waits a second or more for its retransmit. registry:2 (Go) listens
      // with the kernel's somaxconn; the kernel caps this value at somaxconn too.
      connector.setAcceptQueueSize(ACCEPT_QUEUE);
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler("/");
      context.getServletHandler().setDecodeAmbiguousURIs(true);
      ServletSlot slot = new ServletSlot(new BerthServlet(b.registry, b.access, options));
      ServletHolder holder = new ServletHolder("berth", slot);
      holder.setAsyncSupported(true);
      context.addServlet(holder, "/*");
      context.setErrorHandler(new JsonErrorHandler(http.getRequestHeaderSize()));
      if (b.wrapper != null) {
        b.wrapper.setHandler(context);
        server.setHandler(b.wrapper);
      } else {
        server.setHandler(context);
      }
      server.setErrorHandler(new JsonErrorHandler(http.getRequestHeaderSize()));
      server.setStopAtShutdown(false);
      try {
        server.start();
      } catch (Exception e) {
        try {
          server.stop();
        } catch (Exception ignored) {
          // Nothing more to release.
        }
        throw new IllegalStateException("cannot start Berth on " + b.host + ":" + b.port + ": "
            + e.getMessage(), e);
      } finally {
        if (!JETTY_GIT_HASH_PRESET) {
          System.clearProperty(JETTY_GIT_HASH);
        }
      }
      return new BerthServer(b, server, connector, slot);
    }
  }
}
