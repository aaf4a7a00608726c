package dev.berth.registry.servlet;

import com.google.gson.JsonObject;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * The access log: one JSON object per request, on one line, to the {@link System.Logger} named
 * {@value #LOGGER} (java.util.logging unless the application installed another backend), so that
 * operators route it where they want. For example:
 *
 * <pre>{@code
 * {"time":"2025-01-31T10:00:00.123Z","method":"PUT","route":"manifest","repository":"library/app",
 *  "reference":"v1","status":201,"bytesIn":1234,"bytesOut":0,"durationMs":3.2,"user":"alice",
 *  "remoteAddr":"192.0.2.7"}
 * }</pre>
 *
 * <p>A request that a pull-through cache answered for a repository it covers also has
 * {@code "proxy"}: {@code hit}, {@code miss} (fetched from the upstream), {@code revalidated} (a
 * tag checked upstream after its TTL) or {@code stale} (served cached, the upstream could not be
 * asked): nginx's {@code $upstream_cache_status} and a CDN's {@code X-Cache} in one field.
 *
 * <p>What it never writes: headers (so no {@code Authorization}), query strings, upload session
 * ids (whoever knows one may write to the session). Probes of {@code /livez} and {@code /readyz}
 * are left out: a load balancer asking every second would drown the requests that matter.
 */
public final class AccessLog implements RequestObserver {

  /** The logger's name. */
  public static final String LOGGER = "berth.access";

  private static final Logger LOG = System.getLogger(LOGGER);
  /** Longest repository or reference written; longer client input is cut. */
  private static final int MAX_FIELD = 256;

  private AccessLog() {}

  public static AccessLog create() {
    return new AccessLog();
  }

  @Override
  public void completed(RequestRecord r) {
    if (r.route().equals(Route.HEALTH) || !LOG.isLoggable(Level.INFO)) {
      return;
    }
    LOG.log(Level.INFO, line(r));
  }

  /** The JSON line for one request. */
  public static String line(RequestRecord r) {
    JsonObject o = new JsonObject();
    o.addProperty("time", r.time().toString());
    o.addProperty("method", r.method());
    o.addProperty("route", r.route());
    r.repository().ifPresent(v -> o.addProperty("repository", cut(v)));
    r.reference().ifPresent(v -> o.addProperty("reference", cut(v)));
    o.addProperty("status", r.status());
    o.addProperty("bytesIn", r.bytesIn());
    o.addProperty("bytesOut", r.bytesOut());
    o.addProperty("durationMs", Math.round(r.durationNanos() / 1e4) / 100.0);
    r.user().ifPresent(v -> o.addProperty("user", cut(v)));
    o.addProperty("remoteAddr", r.remoteAddress());
    r.proxy().ifPresent(v -> o.addProperty("proxy", v));
    return o.toString();
  }

  private static String cut(String value) {
    return value.length() <= MAX_FIELD ? value : value.substring(0, MAX_FIELD) + "...";
  }
}
