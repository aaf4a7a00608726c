package dev.berth.it.proxy;

import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.testing.TestClock;
import java.net.URI;
import java.nio.file.Path;

/**
 * A Berth pull-through cache under test: a registry over filesystem storage with a clock the
 * test moves (tag TTLs pass without waiting), configured from {@link ProxyOptions} as a
 * configuration layer would, served on Jetty on loopback.
 */
public final class ProxyCache implements AutoCloseable {
  public final TestClock clock = TestClock.atSystemTime();
  public final Registry registry;
  public final BerthServer server;
  public final RegistryClient http;

  private ProxyCache(Path storage, ProxyOptions options) {
    this.registry = options.applyTo(Registry.builder().filesystem(storage).clock(clock)).build();
    this.server = BerthServer.builder(registry).closeRegistry(true).start();
    this.http = new RegistryClient(server.url());
  }

  public static ProxyCache start(Path storage, ProxyOptions options) {
    return new ProxyCache(storage, options);
  }

  /** {@code host:port}, for clients' image references. */
  public String authority() {
    return server.authority();
  }

  public URI url() {
    return server.url();
  }

  @Override
  public void close() {
    server.close();
  }
}
