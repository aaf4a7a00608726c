package dev.berth.it.proxy;

import dev.berth.registry.Registry;
import dev.berth.registry.auth.seam.AuthConfig;
import dev.berth.registry.auth.seam.AuthSetup;
import dev.berth.registry.auth.seam.TokenServerConfig;
import dev.berth.registry.servlet.BerthServlet;
import dev.berth.registry.servlet.config.HttpOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A Berth that only answers callers with a bearer token from its own token server (registry-auth,
 * users from an htpasswd file), as a launcher with {@code auth.mode: token-server} would: the
 * registry servlet at {@code /*}, the token servlet at {@code /auth/token}, on loopback.
 */
final class TokenAuthBerth implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;

  private TokenAuthBerth(Registry registry, Path htpasswd) throws Exception {
    AuthSetup auth = AuthSetup.build(AuthConfig.tokenServer(
        TokenServerConfig.builder("berth-upstream", htpasswd).build()), Clock.systemUTC());
    server = new Server();
    connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder berth = new ServletHolder("berth",
        new BerthServlet(registry, auth.accessController(), HttpOptions.defaults()));
    berth.setAsyncSupported(true);
    context.addServlet(berth, "/*");
    auth.tokenEndpoint().ifPresent(t -> context.addServlet(new ServletHolder(t.servlet()),
        t.path()));
    server.setHandler(context);
    server.start();
  }

  static TokenAuthBerth start(Registry registry, Path htpasswd) throws Exception {
    return new TokenAuthBerth(registry, htpasswd);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
