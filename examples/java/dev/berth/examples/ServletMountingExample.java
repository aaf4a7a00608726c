package dev.berth.examples;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.BerthServlet;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/**
 * Mounting the registry servlet in a servlet container you already run. The servlet is the whole
 * HTTP surface; map it to {@code /*} so that clients find {@code /v2/} at the root. Here: plain
 * Jetty 12 (ee10). For Tomcat, see {@code registry-servlet}'s TomcatTestServer; for a WAR, see
 * {@code examples/webapp/WEB-INF/web.xml}.
 */
public final class ServletMountingExample {
  private ServletMountingExample() {}

  /** Starts a registry over {@code ./data} on {@code port}; returns the running server. */
  public static Server start(int port, Path data) throws Exception {
    Registry registry = Registry.builder().filesystem(data).build();

    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new BerthServlet(registry)), "/*");

    Server server = new Server(port);
    server.setHandler(context);
    server.start();
    return server;
  }

  public static void main(String[] args) throws Exception {
    Server server = start(5000, Path.of("data"));
    server.join();
  }
}
