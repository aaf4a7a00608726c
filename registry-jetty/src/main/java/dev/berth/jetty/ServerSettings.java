package dev.berth.jetty;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.RequestObserver;
import dev.berth.registry.servlet.config.HttpOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Handler;

/**
 * What a {@link BerthServer.Builder} collects, read by {@link JettyAssembly} when it puts the
 * server together; the builder's methods document each value. TLS and authentication are
 * {@link SecurityBuilder}'s half.
 */
abstract class ServerSettings extends SecurityBuilder<BerthServer.Builder> {
  final Registry registry;
  String host = "127.0.0.1";
  int port;
  AccessController access = AccessController.ALLOW_ALL;
  /** {@link #access}, or what the security settings make of it; set by bind. */
  AccessController resolvedAccess;
  HttpOptions options;
  Duration idleTimeout = BerthServer.DEFAULT_IDLE_TIMEOUT;
  boolean ownsRegistry;
  Handler.Wrapper wrapper;
  String contextPath = "";
  Duration stopTimeout;
  long bufferPoolBytes;
  final List<RequestObserver> observers = new ArrayList<>();
  boolean healthEnabled = true;
  Duration healthInterval = Duration.ofSeconds(1);
  int healthThreshold = 1;
  ManagementPort management;

  ServerSettings(Registry registry) {
    this.registry = registry;
  }
}
