package dev.berth.launcher;

import dev.berth.jetty.BerthServer;
import dev.berth.jetty.ManagementPort;
import dev.berth.metrics.PrometheusMetrics;
import dev.berth.registry.servlet.config.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What {@code serve} sets up for operators: the access log, the readiness probe, and the
 * management port (distribution's debug server) with its Prometheus metrics.
 */
final class Operations {
  private Operations() {}

  /**
   * Configures the server's operator surfaces from the settings.
   *
   * @return the metrics the registry must report to, or null when nothing would serve them
   */
  static PrometheusMetrics configure(BerthServer.Builder builder, Settings settings) {
    builder.accessLog(settings.bool("log.accessLog.enabled"));
    builder.healthCheck(settings.bool("health.storage.enabled"),
        settings.duration("health.storage.interval"), settings.integer("health.storage.threshold"));
    String address = settings.get("http.debug.address").trim();
    if (address.isEmpty()) {
      return null;
    }
    int colon = address.lastIndexOf(':');
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    ManagementPort port = ManagementPort.on(host, Integer.parseInt(address.substring(colon + 1)));
    PrometheusMetrics metrics = null;
    if (settings.bool("http.debug.prometheus.enabled")) {
      metrics = PrometheusMetrics.create();
      port = port.metrics(settings.get("http.debug.prometheus.path"), metrics);
      builder.observer(metrics);
    }
    builder.management(port);
    return metrics;
  }

  /** The problem of a bind that failed: the management port's when its address is named. */
  static Settings.Problem bindProblem(Settings settings, IOException e) {
    String debug = settings.get("http.debug.address").trim();
    String message = String.valueOf(e.getMessage()) + (e.getCause() == null ? ""
        : " " + e.getCause().getMessage());
    if (!debug.isEmpty() && message.contains(":" + debug.substring(debug.lastIndexOf(':') + 1))
        && !message.contains(":" + settings.get("http.port"))) {
      return settings.problem("http.debug.address", "cannot listen on " + debug + ": "
          + OsReasons.of(e));
    }
    String host = settings.get("http.host").trim();
    String address = (host.isEmpty() ? "*" : host) + ":" + settings.get("http.port");
    String key = settings.source("http.port").equals(Settings.DEFAULT) ? "http.host"
        : "http.port";
    return settings.problem(key, "cannot listen on " + address + ": " + OsReasons.of(e));
  }

  /** The start-up line naming the management port, when there is one. */
  static Optional<String> announce(Settings settings, BerthServer server) {
    return server.managementAddress().map(a -> "berth: management on http://" + shown(a) + "/"
        + " (/livez, /readyz, PUT /readonly" + (settings.bool("http.debug.prometheus.enabled")
        ? ", " + settings.get("http.debug.prometheus.path") : "") + ")");
  }

  private static String shown(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
