package dev.berth.registry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The access log line's text is what Instant.toString and Gson's object tree would write. */
class AccessLogLineTest {

  @Test
  void timestampsReadAsInstantToString() {
    List<Instant> times = List.of(Instant.parse("2025-01-31T10:00:00Z"),
        Instant.parse("2025-01-31T10:00:00.120Z"), Instant.parse("2025-01-31T10:00:00.000120Z"),
        Instant.parse("2025-01-31T10:00:00.000000120Z"), Instant.parse("2025-01-31T10:00:01.5Z"),
        Instant.parse("2025-01-31T10:00:01.999999999Z"), Instant.parse("1969-12-31T23:59:59.001Z"),
        Instant.parse("+10000-01-01T00:00:00.010Z"), Instant.ofEpochSecond(0, 1));
    for (Instant t : times) {
      assertEquals(t.toString(), AccessLog.timestamp(t));
      assertEquals(t.toString(), AccessLog.timestamp(t), "again, from the cached second");
    }
  }

  @Test
  void theLineIsTheObjectTreesText() {
    RequestRecord full = new RequestRecord(Instant.parse("2025-01-31T10:00:00.123Z"), "PUT",
        "manifest", Optional.of("library/\"app\"\u2028x"), Optional.of("v1"), 201, 1234, 0,
        3_216_000, Optional.of("al<ice>"), "192.0.2.7", Optional.of("hit"));
    RequestRecord bare = new RequestRecord(Instant.parse("2025-01-31T10:00:00Z"), "GET",
        "base", Optional.empty(), Optional.empty(), 401, 0, 71, 12_345, Optional.empty(),
        "::1", Optional.empty());
    for (RequestRecord r : List.of(full, bare)) {
      assertEquals(tree(r), AccessLog.line(r));
    }
  }

  /** The line as the access log wrote it before: a Gson object tree's toString. */
  static String tree(RequestRecord r) {
    JsonObject o = new JsonObject();
    o.addProperty("time", r.time().toString());
    o.addProperty("method", r.method());
    o.addProperty("route", r.route());
    r.repository().ifPresent(v -> o.addProperty("repository", v));
    r.reference().ifPresent(v -> o.addProperty("reference", v));
    o.addProperty("status", r.status());
    o.addProperty("bytesIn", r.bytesIn());
    o.addProperty("bytesOut", r.bytesOut());
    o.addProperty("durationMs", Math.round(r.durationNanos() / 1e4) / 100.0);
    r.user().ifPresent(v -> o.addProperty("user", v));
    o.addProperty("remoteAddr", r.remoteAddress());
    r.proxy().ifPresent(v -> o.addProperty("proxy", v));
    return o.toString();
  }
}
