package dev.berth.registry.auth.testing;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.auth.seam.AuthSetup;
import dev.berth.registry.servlet.BerthServlet;
import dev.berth.registry.servlet.config.HttpOptions;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.security.SecurityHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Jetty 12 on a loopback port serving what the launcher will serve: {@link BerthServlet} at
 * {@code /*} with an access controller, and the token servlets of the given {@link AuthSetup}s at
 * their paths. The registry behind the servlet can be replaced between requests ({@link #serve}),
 * so a table of cases gets a fresh registry per case without restarting Jetty.
 */
public final class AuthTestServer implements AutoCloseable {

  private final Server server;
  private final ServerConnector connector;
  private final Swappable registryServlet = new Swappable();

  private AuthTestServer(List<AuthSetup> tokenServers, SecurityHandler security)
      throws Exception {
    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    // As BerthServer does: empty path segments reach the servlet (NAME_INVALID, not Jetty's 400).
    http.setUriCompliance(UriCompliance.DEFAULT.with("berth",
        UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.getServletHandler().setDecodeAmbiguousURIs(true);
    ServletHolder registry = new ServletHolder("berth", registryServlet);
    registry.setAsyncSupported(true);
    context.addServlet(registry, "/*");
    for (AuthSetup setup : tokenServers) {
      setup.tokenEndpoint().ifPresent(t -> context.addServlet(new ServletHolder(t.servlet()),
          t.path()));
    }
    if (security != null) {
      context.setSecurityHandler(security);
    }
    server.setHandler(context);
    server.start();
  }

  /** Serves the registry servlet and the token endpoints of {@code setups}. */
  public static AuthTestServer start(AuthSetup... setups) throws Exception {
    return new AuthTestServer(List.of(setups), null);
  }

  /** Behind the container's own login (mode 5). */
  public static AuthTestServer startSecured(SecurityHandler security) throws Exception {
    return new AuthTestServer(List.of(), security);
  }

  /** From now on, requests reach {@code registry} through {@code access}. */
  public void serve(Registry registry, AccessController access) {
    registryServlet.target = new BerthServlet(registry, access, HttpOptions.defaults());
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  /** {@code http://127.0.0.1:<port>}, what a realm derived from the request starts with. */
  public String origin() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  /** Forwards to the servlet of the moment. */
  private static final class Swappable extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private transient volatile HttpServlet target;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
        throws ServletException, IOException {
      target.service((jakarta.servlet.ServletRequest) request,
          (jakarta.servlet.ServletResponse) response);
    }
  }
}
