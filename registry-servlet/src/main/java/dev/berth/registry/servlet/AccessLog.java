package dev.berth.registry.servlet;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;

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

  /**
   * The JSON line for one request, written straight to text (no tree of JSON elements) with the
   * second's part of the timestamp formatted once per second: the access log runs on every
   * request, and JFR put the object tree and {@code Instant.toString} at a tenth of a manifest
   * GET's CPU. The text is the same as {@code Instant.toString} and Gson's.
   */
  public static String line(RequestRecord r) {
    StringWriter text = new StringWriter(256);
    try (JsonWriter o = new JsonWriter(text)) {
      o.beginObject();
      o.name("time").value(timestamp(r.time()));
      o.name("method").value(r.method());
      o.name("route").value(r.route());
      if (r.repository().isPresent()) {
        o.name("repository").value(cut(r.repository().get()));
      }
      if (r.reference().isPresent()) {
        o.name("reference").value(cut(r.reference().get()));
      }
      o.name("status").value(r.status());
      o.name("bytesIn").value(r.bytesIn());
      o.name("bytesOut").value(r.bytesOut());
      o.name("durationMs").value(Math.round(r.durationNanos() / 1e4) / 100.0);
      if (r.user().isPresent()) {
        o.name("user").value(cut(r.user().get()));
      }
      o.name("remoteAddr").value(r.remoteAddress());
      if (r.proxy().isPresent()) {
        o.name("proxy").value(r.proxy().get());
      }
      o.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return text.toString();
  }

  /** The last second formatted, shared by the requests of that second. */
  private record Second(long epochSecond, String text) {}

  private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  /** {@code Instant.toString} of {@code time}, its date and clock part cached per second. */
  static String timestamp(Instant time) {
    Second second = lastSecond;
    if (second.epochSecond() != time.getEpochSecond()) {
      String whole = Instant.ofEpochSecond(time.getEpochSecond()).toString();
      second = new Second(time.getEpochSecond(), whole.substring(0, whole.length() - 1));
      lastSecond = second;
    }
    int nanos = time.getNano();
    StringBuilder b = new StringBuilder(32).append(second.text());
    if (nanos > 0) {
      // As Instant.toString: 3, 6 or 9 digits, the fewest that show every non-zero one.
      int digits = nanos % 1_000_000 == 0 ? 3 : nanos % 1000 == 0 ? 6 : 9;
      int value = digits == 3 ? nanos / 1_000_000 : digits == 6 ? nanos / 1000 : nanos;
      String figures = Integer.toString(value);
      b.append('.');
      for (int i = figures.length(); i < digits; i++) {
        b.append('0');
      }
      b.append(figures);
    }
    return b.append('Z').toString();
  }

  private static String cut(String value) {
    return value.length() <= MAX_FIELD ? value : value.substring(0, MAX_FIELD) + "...";
  }
}
