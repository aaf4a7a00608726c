package dev.berth.jetty;

import dev.berth.registry.servlet.MetricsExposition;
import java.util.Objects;

/**
 * A second port of a {@link BerthServer} for operators (distribution's debug server,
 * {@code http.debug.addr}): {@code /livez}, {@code /readyz}, {@code GET}/{@code PUT /readonly},
 * and the metrics when an exposition is given ({@code /metrics}), over plain HTTP. It asks no
 * credentials: bind it to loopback or a private network.
 *
 * <pre>{@code
 * BerthServer.builder(registry).management(ManagementPort.on("127.0.0.1", 5001)
 *     .metrics("/metrics", prometheus)).start();
 * }</pre>
 */
public final class ManagementPort {
  final String host;
  final int port;
  final String metricsPath;
  final MetricsExposition metrics;

  private ManagementPort(String host, int port, String metricsPath, MetricsExposition metrics) {
    this.host = host;
    this.port = port;
    this.metricsPath = metricsPath;
    this.metrics = metrics;
  }

  /**
   * On {@code host:port} ({@code 0.0.0.0} or empty for every interface; port 0 picks a free
   * one), without metrics.
   */
  public static ManagementPort on(String host, int port) {
    return new ManagementPort(Objects.requireNonNull(host, "host"), port, "/metrics", null);
  }

  /** This port serving {@code exposition} at {@code path}. */
  public ManagementPort metrics(String path, MetricsExposition exposition) {
    return new ManagementPort(host, port, Objects.requireNonNull(path, "path"),
        Objects.requireNonNull(exposition, "exposition"));
  }
}
