package dev.berth.jetty;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.BerthServlet;
import dev.berth.registry.servlet.HealthCheck;
import dev.berth.registry.servlet.RequestObserver;
import dev.berth.registry.servlet.config.HttpOptions;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every servlet a {@link BerthServer} puts in its slot is made with, so that a registry
 * served later ({@link BerthServer#serve}) is served the same way: the access seam, the HTTP
 * options, the request observers and the health check; and which registry is served now.
 */
record ServletParts(AccessController access, HttpOptions options, RequestObserver observer,
    HealthCheck health, AtomicReference<Registry> current) {

  /**
   * A servlet for {@code registry}, which from now on is the one the health check and the
   * management port see.
   */
  BerthServlet servlet(Registry registry) {
    current.set(registry);
    return new BerthServlet(registry, access, options, observer, health);
  }
}
