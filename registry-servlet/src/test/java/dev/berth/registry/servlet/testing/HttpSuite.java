package dev.berth.registry.servlet.testing;

import dev.berth.registry.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of the HTTP tests: a fresh registry (in memory unless {@link #newRegistry} says otherwise)
 * in a real container on a loopback port, and a client for it. Subclasses pick the container by
 * overriding {@link #container()}; the default is Jetty.
 */
public abstract class HttpSuite {

  protected TestServer server;
  protected RegistryClient client;

  protected TestServer.Factory container() {
    return JettyTestServer::start;
  }

  protected Registry newRegistry() throws Exception {
    return Registry.builder().inMemory().build();
  }

  @BeforeEach
  void startServer() throws Exception {
    server = container().start(newRegistry());
    client = new RegistryClient(server.url());
  }

  @AfterEach
  void stopServer() throws Exception {
    server.close();
  }
}
