package dev.berth.jetty;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.AccessLog;
import dev.berth.registry.servlet.RequestObserver;
import dev.berth.registry.servlet.config.HttpOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;

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
 * <p>The standalone launcher uses it too: {@link Builder#bind()} takes the address before the
 * registry is built (so "address already in use" is known before any data is indexed), and the
 * builder adds HTTPS, a URL prefix and a graceful stop.
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
  static final String JETTY_GIT_HASH = "jetty.git.hash";
  static final boolean JETTY_GIT_HASH_PRESET = System.getProperty(JETTY_GIT_HASH) != null;

  private final Server server;
  private final JettyAssembly assembly;
  private final ServletSlot slot;
  private final ServletParts parts;
  private final ServerSecurity security;
  private final String host;
  private final String contextPath;
  private Registry registry;
  private boolean ownsRegistry;
  private volatile boolean closed;

  BerthServer(Builder b, Registry registry, ServletParts parts, Server server,
      JettyAssembly assembly, ServletSlot slot) {
    this.server = server;
    this.assembly = assembly;
    this.slot = slot;
    this.parts = parts;
    this.security = b.security;
    this.host = b.host;
    this.contextPath = b.contextPath;
    this.registry = registry;
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
    return new Builder(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * A server whose registry is given once the address is bound: {@link Builder#bind()}, then
   * {@link BoundServer#start(Registry)}.
   */
  public static Builder builder() {
    return new Builder(null);
  }

  /** The port the registry listens on (the chosen one when 0 was asked for). */
  public int port() {
    requireOpen();
    return assembly.connector().getLocalPort();
  }

  /**
   * The base URL a client on this machine can use, e.g. {@code http://127.0.0.1:38211/} (a
   * wildcard host shows as 127.0.0.1), with the scheme and the context path the server uses.
   */
  public URI url() {
    String shown = host == null || host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1" : host;
    if (shown.indexOf(':') >= 0) {
      shown = "[" + shown + "]";
    }
    return URI.create(scheme() + "://" + shown + ":" + port() + contextPath + "/");
  }

  /** The address really bound ({@code [::]:5000} when bound to every interface). */
  public InetSocketAddress address() {
    requireOpen();
    return JettyAssembly.address(assembly.connector());
  }

  /** The address the management port really bound ({@link Builder#management}), if any. */
  public Optional<InetSocketAddress> managementAddress() {
    requireOpen();
    return Optional.ofNullable(assembly.management()).map(JettyAssembly::address);
  }

  /**
   * The URL of the address really bound, e.g. {@code http://[::]:5000/registry/}: what a start-up
   * line should name, where {@link #url()} is what a client should use.
   */
  public URI boundUrl() {
    return JettyAssembly.url(scheme(), address(), contextPath);
  }

  private String scheme() {
    return security.https() ? "https" : "http";
  }

  /** {@code host:port}, the form image references use ({@code 127.0.0.1:38211/repo:tag}). */
  public String authority() {
    return url().getAuthority();
  }

  /**
   * The certificate {@link Builder#tls()} made, with what a client needs to trust it (an
   * {@code SSLContext}, the PEM); empty when the server was not asked to make one.
   */
  public Optional<TlsCertificate> tlsCertificate() {
    return Optional.ofNullable(security.generated);
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
      slot.serve(parts.servlet(Objects.requireNonNull(next, "registry")));
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
   * Stops serving: no new connections; with {@link Builder#stopTimeout} requests in flight finish
   * (up to that timeout, then their connections are closed). A registry this server made
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
      security.deleteUsers();
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
  public static final class Builder extends ServerSettings {

    private Builder(Registry registry) {
      super(registry);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * The address to listen on; {@code 127.0.0.1} by default, {@code 0.0.0.0} for every IPv4
     * one, an empty string for every interface of both kinds.
     */
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

    /**
     * Serves under a URL path ({@code /registry}: the API at {@code /registry/v2/}), as
     * distribution's {@code http.prefix}; empty (the default) serves at the root.
     */
    public Builder contextPath(String path) {
      String p = Objects.requireNonNull(path, "path").trim();
      while (p.endsWith("/")) {
        p = p.substring(0, p.length() - 1);
      }
      if (!p.isEmpty() && !p.startsWith("/")) {
        p = "/" + p;
      }
      this.contextPath = p;
      return this;
    }

    /**
     * Stops gracefully: {@link BerthServer#close()} refuses new connections and lets requests in
     * flight finish for up to {@code timeout} (by default a stop does not wait for them).
     */
    public Builder stopTimeout(Duration timeout) {
      this.stopTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Caps what Jetty's buffer pool keeps, per kind (heap and direct); by default Jetty keeps up
     * to an eighth of the heap of each. The launcher bounds it to keep the process small.
     */
    public Builder bufferPoolBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("bufferPoolBytes must be positive: " + bytes);
      }
      this.bufferPoolBytes = bytes;
      return this;
    }

    /** Tells {@code observer} of every request (metrics); may be called more than once. */
    public Builder observer(RequestObserver observer) {
      observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /**
     * Writes the access log ({@link AccessLog}: one JSON line per request to the logger
     * {@code berth.access}); off by default, since an embedding application keeps its own logs.
     */
    public Builder accessLog(boolean on) {
      observers.removeIf(o -> o instanceof AccessLog);
      return on ? observer(AccessLog.create()) : this;
    }

    /** How {@code /readyz} probes the storage (by default: 1s, not ready at first failure). */
    public Builder healthCheck(boolean enabled, Duration interval, int threshold) {
      this.healthEnabled = enabled;
      this.healthInterval = Objects.requireNonNull(interval, "interval");
      this.healthThreshold = threshold;
      return this;
    }

    /** Opens a management port too, bound with the main one ({@link ManagementPort}). */
    public Builder management(ManagementPort port) {
      this.management = Objects.requireNonNull(port, "port");
      return this;
    }

    /**
     * Takes the address without serving yet, so that a caller learns of an address in use (with
     * the system's reason in the exception's cause chain) before it builds its registry.
     *
     * @throws IOException when the address cannot be bound
     */
    public BoundServer bind() throws IOException {
      resolvedAccess = security.resolve(access);
      return new BoundServer(this, JettyAssembly.bind(this));
    }

    /** Starts the server; on failure nothing is left running (the registry is closed if owned). */
    public BerthServer start() {
      if (registry == null) {
        throw new IllegalStateException("no registry: use builder(registry), or bind() and then"
            + " BoundServer.start(registry)");
      }
      try {
        return bind().start(registry);
      } catch (IOException e) {
        if (ownsRegistry) {
          registry.close();
        }
        throw new IllegalStateException("cannot start Berth on " + host + ":" + port + ": "
            + e.getMessage(), e);
      } catch (RuntimeException | Error e) {
        if (ownsRegistry) {
          registry.close();
        }
        throw e;
      }
    }
  }
}
