package dev.berth.registry.servlet;

import com.google.gson.JsonObject;
import dev.berth.registry.Registry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The management port (distribution's debug server, {@code http.debug.addr}): {@code GET /livez},
 * {@code GET /readyz}, the metrics at the configured path ({@code /metrics}) when a
 * {@link MetricsExposition} is given, and read-only mode at runtime: {@code GET /readonly} says
 * whether it is on, {@code PUT /readonly} with the body {@code true} or {@code false} switches it.
 *
 * <p>Nothing here asks who the caller is: bind the port to loopback or a private network
 * (docs/operations.md), as one does distribution's debug server.
 */
public final class ManagementServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient Supplier<Registry> registry;
  private final transient HealthCheck health;
  private final String metricsPath;
  private final transient MetricsExposition metrics;

  /**
   * @param metricsPath where the metrics are served ({@code /metrics}); ignored without metrics
   * @param metrics the exposition, or null for no metrics
   */
  public ManagementServlet(Supplier<Registry> registry, HealthCheck health, String metricsPath,
      MetricsExposition metrics) {
    this.registry = registry;
    this.health = health;
    this.metricsPath = metricsPath;
    this.metrics = metrics;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    BerthServlet.commonHeaders(response);
    String path = request.getRequestURI();
    String method = request.getMethod();
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (path.equals("/livez") && read) {
      send(response, 200, "application/json", "{\"status\":\"live\"}", method);
    } else if (path.equals("/readyz") && read) {
      HealthCheck.Status status = health.status();
      send(response, status.ready() ? 200 : 503, "application/json", status.json(), method);
    } else if (path.equals("/readonly")) {
      readOnly(request, response, method);
    } else if (metrics != null && path.equals(metricsPath) && read) {
      String accept = request.getHeader("Accept");
      response.setStatus(200);
      response.setContentType(metrics.contentType(accept));
      if (!method.equals("HEAD")) {
        try (OutputStream out = response.getOutputStream()) {
          metrics.write(accept, out);
        }
      }
    } else {
      send(response, 404, "application/json", "{\"error\":\"not found: " + method + " "
          + (path.matches("[A-Za-z0-9/._-]{0,100}") ? path : "that path") + "; this port serves"
          + " /livez, /readyz, /readonly" + (metrics != null ? ", " + metricsPath : "") + "\"}",
          method);
    }
  }

  private void readOnly(HttpServletRequest request, HttpServletResponse response, String method)
      throws IOException {
    Registry r = registry.get();
    if (method.equals("PUT") || method.equals("POST")) {
      byte[] body = request.getInputStream().readNBytes(16);
      String value = new String(body, StandardCharsets.UTF_8).trim().toLowerCase(Locale.ROOT);
      if (!value.equals("true") && !value.equals("false")) {
        send(response, 400, "application/json",
            "{\"error\":\"the body must be true or false\"}", method);
        return;
      }
      r.setReadOnly(value.equals("true"));
    } else if (!method.equals("GET") && !method.equals("HEAD")) {
      response.setHeader("Allow", "GET, HEAD, PUT");
      send(response, 405, "application/json", "{\"error\":\"GET or PUT /readonly\"}", method);
      return;
    }
    JsonObject o = new JsonObject();
    o.addProperty("readOnly", r.readOnly());
    send(response, 200, "application/json", o.toString(), method);
  }

  private static void send(HttpServletResponse response, int status, String type, String body,
      String method) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType(type);
    response.setContentLength(bytes.length);
    if (!method.equals("HEAD")) {
      try (OutputStream out = response.getOutputStream()) {
        out.write(bytes);
      }
    }
  }
}
