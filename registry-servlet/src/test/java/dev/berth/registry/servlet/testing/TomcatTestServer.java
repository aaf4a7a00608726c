package dev.berth.registry.servlet.testing;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.BerthServlet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/** The same servlet in embedded Tomcat: the container-neutrality check. */
public final class TomcatTestServer implements TestServer {
  private final Tomcat tomcat;
  private final Connector connector;
  private final Registry registry;
  private final Path base;

  private TomcatTestServer(Registry registry) throws Exception {
    this.registry = registry;
    this.base = Files.createTempDirectory("berth-tomcat");
    tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    // Registry URLs carry digests with ':' and media types with '+'; PATCH must reach the servlet.
    connector.setProperty("relaxedQueryChars", "[]|{}^\\`\"<>");
    connector.setAllowTrace(false);
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);
    Context context = tomcat.addContext("", base.toString());
    Tomcat.addServlet(context, "berth", new BerthServlet(registry)).setAsyncSupported(true);
    context.addServletMappingDecoded("/*", "berth");
    tomcat.start();
  }

  public static TomcatTestServer start(Registry registry) throws Exception {
    return new TomcatTestServer(registry);
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
    tomcat.stop();
    tomcat.destroy();
    try (var files = Files.walk(base)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
