package dev.berth.jetty;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.servlet.RequestObserver;
import dev.berth.registry.servlet.config.HttpOptions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Handler;

/**
 * What a {@link BerthServer.Builder} collects, read by {@link JettyAssembly} when it puts the
 * server together; the builder's methods document each value.
 */
abstract class ServerSettings {
  final Registry registry;
  String host = "127.0.0.1";
  int port;
  AccessController access = AccessController.ALLOW_ALL;
  HttpOptions options;
  Duration idleTimeout = BerthServer.DEFAULT_IDLE_TIMEOUT;
  boolean ownsRegistry;
  Handler.Wrapper wrapper;
  KeyStore keyStore;
  char[] keyStorePassword;
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
