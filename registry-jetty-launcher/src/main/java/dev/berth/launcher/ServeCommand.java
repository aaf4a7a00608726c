package dev.berth.launcher;

import dev.berth.jetty.BerthServer;
import dev.berth.jetty.BoundServer;
import dev.berth.registry.Registry;
import dev.berth.registry.events.NotificationEndpoint;
import dev.berth.metrics.PrometheusMetrics;
import dev.berth.registry.StartReport;
import dev.berth.registry.auth.seam.AuthSetup;
import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.servlet.Maintenance;
import dev.berth.registry.servlet.config.Settings;
import dev.berth.registry.servlet.config.StorageProviders;
import dev.berth.registry.storage.Storage;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code serve}, in the order that fails early: check what the settings ask of the system (the
 * storage directory, the TLS files), bind the address, only then build the registry (which may
 * repair and index existing data), serve, and wait for SIGTERM; then stop accepting connections,
 * let requests in flight finish (up to {@code http.shutdownTimeout}) and exit 0.
 */
final class ServeCommand {
  private final PrintStream out;
  private final PrintStream err;

  ServeCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int run(Settings settings) throws Exception {
    // SLF4J set up here, once Logging has set Jetty's level: the warm-up thread below and the
    // bind both log through it, and a logger asked for on one thread while the other is setting
    // SLF4J up is "intercepted and replayed" with a three-line SLF4J(W) warning on stderr.
    org.slf4j.LoggerFactory.getILoggerFactory();
    // Jetty's class loading on a daemon thread, beside the checks, the bind and the registry's
    // start-time recovery.
    BerthServer.prepare();
    List<Settings.Problem> problems = new ArrayList<>(StartChecks.storageToServe(settings));
    ProxyOptions proxy = ProxySettings.read(settings, problems);
    List<NotificationEndpoint> endpoints = NotificationSettings.read(settings, problems);
    KeyStore keyStore = StartChecks.tls(settings, problems);
    List<X509Certificate> clientCas = AuthStart.clientCas(settings, problems);
    AuthSetup auth = problems.isEmpty() ? AuthStart.setup(settings, !clientCas.isEmpty(),
        problems) : null;
    if (!problems.isEmpty()) {
      return Main.problems(err, problems);
    }
    // The bucket answers, the credentials are accepted and the store's conditional writes are
    // probed before the bind: a wrong bucket or key is a configuration problem (exit 2).
    Storage storage = null;
    if (settings.s3()) {
      try {
        storage = StorageProviders.open(settings);
      } catch (StorageProviders.Failure e) {
        return Main.problems(err, List.of(e.problem()));
      }
    }
    String host = settings.get("http.host").trim();
    BerthServer.Builder builder = BerthServer.builder().host(host)
        .port(settings.integer("http.port")).idleTimeout(settings.duration("http.idleTimeout"))
        .contextPath(settings.get("http.prefix")).stopTimeout(
            settings.duration("http.shutdownTimeout")).httpOptions(settings.httpOptions());
    if (keyStore != null) {
      builder.https(keyStore, PemKeyStore.PASSWORD).http2(settings.bool("http.tls.http2"));
    }
    if (!clientCas.isEmpty()) {
      builder.clientCertificates(clientCas);
    }
    if (!auth.isOpen()) {
      builder.auth(auth);
    }
    // Jetty keeps up to an eighth of the heap in pooled buffers of each kind (heap and direct);
    // a sixteenth, at most 32 MiB each, serves 64 concurrent transfers from the pool and keeps
    // the direct ones from adding a quarter of the heap to what the process holds.
    builder.bufferPoolBytes(Math.min(Runtime.getRuntime().maxMemory() / 16, 32L << 20));
    PrometheusMetrics metrics = Operations.configure(builder, settings);
    BoundServer bound;
    try {
      bound = builder.bind();
    } catch (IOException e) {
      if (storage != null) {
        storage.close();
      }
      return Main.problems(err, List.of(Operations.bindProblem(settings, e)));
    }
    Registry registry;
    try {
      RegistryMetrics reported = metrics == null ? RegistryMetrics.NONE : metrics;
      registry = settings.buildRegistry(storage, b -> {
        b.metrics(reported);
        b.notifications(endpoints);
        return proxy == null ? b : proxy.applyTo(b);
      });
    } catch (RuntimeException e) {
      bound.close();
      if (storage != null) {
        storage.close();
      }
      throw e;
    }
    if (metrics != null) {
      metrics.watch(registry);
    }
    reportStart(registry.startReport());
    BerthServer server;
    Maintenance maintenance;
    try {
      server = bound.start(registry);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    try {
      maintenance = Maintenance.start(registry, settings, line -> out.println("berth: " + line));
    } catch (RuntimeException e) {
      server.close();
      registry.close();
      throw e;
    }
    // Before the announcement, which a supervisor may answer with a SIGTERM at once.
    CountDownLatch termination = Signals.termination();
    if (proxy != null) {
      // UpstreamOptions' text never holds a password.
      out.println("berth: pull-through cache of " + proxy.upstreams().stream()
          .map(Object::toString).collect(java.util.stream.Collectors.joining(", "))
          + (proxy.acceptPushes() ? "; every push accepted" : ""));
      out.flush();
    }
    // Before announce, whose listening line is the last one tests and supervisors wait for.
    announceAuth(auth, server, !clientCas.isEmpty());
    announce(settings, server, registry);
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable stop = () -> {
      if (stopped.compareAndSet(false, true)) {
        out.println("berth: stopping: no new connections; requests in flight have "
            + Settings.formatDuration(settings.duration("http.shutdownTimeout")) + " to finish");
        out.flush();
        try {
          server.close();
        } catch (RuntimeException e) {
          // Past the timeout Jetty closes what is left; the stop itself is not a failure.
          err.println("berth: warning: " + e.getMessage());
        }
        maintenance.close();
        registry.close();
        out.println("berth: stopped");
        out.flush();
      }
    };
    // Other ways the JVM may end (SIGHUP, an embedding System.exit) still stop the server.
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "berth-shutdown"));
    termination.await();
    stop.run();
    return Main.OK;
  }

  private void reportStart(StartReport start) {
    if (start.changesFinished() > 0) {
      out.println("berth: finished " + start.changesFinished()
          + " changes an earlier process left half done");
    }
    start.reindexed().ifPresent(report -> out.println("berth: built the referrers index over"
        + " existing data: " + report.entries() + " referrers in " + report.repositories()
        + " repositories (" + report.duration().toMillis() + " ms)"));
  }

  /** The address really bound, the storage, and every setting not at its default. */
  private void announce(Settings settings, BerthServer server, Registry registry) {
    String storage = settings.s3() ? registry.storage().toString()
        : settings.get("storage.path");
    out.println("berth: storage: " + (settings.s3() ? storage
        : storage.equals("memory") ? "memory (in the heap, gone at"
        + " exit)" : Path.of(storage).toAbsolutePath().normalize() + " (filesystem, fsync "
        + (settings.bool("storage.fsync") ? "on" : "off") + ")"));
    List<String> changed = settings.changed(Command.SERVE::applies);
    if (!changed.isEmpty()) {
      out.println("berth: settings not at their defaults: " + String.join(", ", changed));
    }
    if (registry.readOnly()) {
      out.println("berth: read-only: writes are refused (405), GC and upload purging pause");
    }
    String scope = scope(server.address().getAddress());
    // Before the listening line, the last one, which tests and supervisors wait for.
    Operations.announce(settings, server).ifPresent(out::println);
    out.println("berth: listening on " + server.boundUrl() + " (" + (scope.isEmpty() ? ""
        : scope + "; ") + "storage: " + storage + ")");
    out.flush();
  }

  /**
   * The authentication mode in one line; serving openly on an address others can reach is
   * worth one clear warning (issue 11: "anyone who can reach Berth's port can push").
   */
  private void announceAuth(AuthSetup auth, BerthServer server, boolean clientCertificates) {
    out.println("berth: access: " + auth.summary() + (clientCertificates
        ? "; client certificates required (their CN is the user)" : ""));
    InetAddress address = server.address().getAddress();
    if (auth.isOpen() && !clientCertificates && !address.isLoopbackAddress()) {
      out.println("berth: warning: no authentication on " + server.boundUrl() + ": anyone who"
          + " can reach it may push, overwrite tags and delete (set auth.htpasswd.path, or listen"
          + " on 127.0.0.1)");
    }
    out.flush();
  }

  /** "every interface" for a wildcard address, else nothing. */
  private static String scope(InetAddress address) {
    if (!address.isAnyLocalAddress()) {
      return "";
    }
    return address instanceof Inet6Address ? "every interface, IPv4 and IPv6"
        : "every IPv4 interface";
  }
}
