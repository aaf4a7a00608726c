package dev.berth.registry.servlet.config;

import static java.util.Map.entry;

import com.google.gson.Gson;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table from distribution's configuration keys to Berth's settings (docs/operations.md lists it
 * for operators). A rule at a key handles its whole value, so a rule at a section ({@code health},
 * {@code storage.s3}) takes everything under it. A key with no rule, under no section with one, is
 * ignored and named in the start's warning.
 *
 * <p>A feature that lands points its distribution keys at its new settings here (replacing a
 * {@link #pendingTree} or {@link #pending} rule with {@link #to}).
 */
final class DistributionRules {
  private DistributionRules() {}

  /** What one distribution key (with everything under it) amounts to. */
  interface Rule {
    void apply(String path, Object value, DistributionConfig.Walk walk);
  }

  private enum Kind { TEXT, BOOLEAN, DURATION, URL }

  private static final Map<String, Rule> RULES = Map.ofEntries(
      entry("version", (p, v, w) -> {
        if (!String.valueOf(v).equals("0.1")) {
          w.problem(p, v, "distribution's configuration version is 0.1");
        }
      }),
      entry("loglevel", DistributionRules::level),
      entry("log.level", DistributionRules::level),
      entry("log.accesslog.disabled", (p, v, w) -> w.set("log.accessLog.enabled",
          String.valueOf(!convert(v, Kind.BOOLEAN).equals("true")), p)),
      entry("log.formatter", DistributionRules::ignored),
      entry("log.fields", DistributionRules::ignored),
      entry("log.hooks", DistributionRules::ignored),
      entry("storage.filesystem.rootdirectory", to("storage.path", Kind.TEXT)),
      entry("storage.filesystem.maxthreads", DistributionRules::ignored),
      entry("storage.inmemory", (p, v, w) -> { }),
      entry("storage.delete.enabled", to("deletes.enabled", Kind.BOOLEAN)),
      entry("storage.maintenance.uploadpurging.enabled", (p, v, w) -> {
        if (String.valueOf(v).equalsIgnoreCase("false")) {
          // Applied after the walk, so that it wins over an interval given beside it.
          w.purgingOffAt = p;
        }
      }),
      entry("storage.maintenance.uploadpurging.age", to("uploads.maxAge", Kind.DURATION)),
      entry("storage.maintenance.uploadpurging.interval",
          to("uploads.purgeInterval", Kind.DURATION)),
      entry("storage.maintenance.uploadpurging.dryrun", to("uploads.purgeDryRun", Kind.BOOLEAN)),
      entry("storage.maintenance.readonly.enabled", to("storage.readOnly", Kind.BOOLEAN)),
      entry("storage.cache", DistributionRules::ignored),
      // Applied after the walk (DistributionS3.redirect): what it means depends on the driver.
      entry("storage.redirect", (p, v, w) -> { }),
      entry("storage.tag", DistributionRules::ignored),
      entry("storage.s3", DistributionS3::apply),
      entry("http.addr", DistributionRules::address),
      entry("http.net", (p, v, w) -> {
        if (!String.valueOf(v).matches("tcp[46]?|")) {
          w.problem(p, v, "Berth listens on TCP only (not on a unix socket)");
        }
      }),
      entry("http.host", to("http.externalUrl", Kind.URL)),
      entry("http.prefix", to("http.prefix", Kind.TEXT)),
      entry("http.relativeurls", to("http.relativeUrls", Kind.BOOLEAN)),
      entry("http.secret", DistributionRules::ignored),
      entry("http.draintimeout", to("http.shutdownTimeout", Kind.DURATION)),
      entry("http.tls.certificate", to("http.tls.certificate", Kind.TEXT)),
      entry("http.tls.key", to("http.tls.key", Kind.TEXT)),
      entry("http.tls.clientcas", DistributionRules::clientCas),
      entry("http.tls.minimumtls", pending("http.tls.minimumTls")),
      entry("http.tls.ciphersuites", pending("http.tls.cipherSuites")),
      entry("http.tls.letsencrypt", pendingTree("http.tls.letsEncrypt")),
      entry("http.debug.addr", to("http.debug.address", Kind.TEXT)),
      entry("http.debug.prometheus.enabled", to("http.debug.prometheus.enabled", Kind.BOOLEAN)),
      entry("http.debug.prometheus.path", to("http.debug.prometheus.path", Kind.TEXT)),
      entry("http.headers", DistributionRules::ignored),
      entry("http.http2.disabled", (p, v, w) -> w.set("http.tls.http2",
          String.valueOf(!convert(v, Kind.BOOLEAN).equals("true")), p)),
      entry("http.h2c", DistributionRules::ignored),
      entry("auth.htpasswd.realm", to("auth.htpasswd.realm", Kind.TEXT)),
      entry("auth.htpasswd.path", to("auth.htpasswd.path", Kind.TEXT)),
      entry("auth.token.realm", to("auth.token.realm", Kind.TEXT)),
      entry("auth.token.service", to("auth.token.service", Kind.TEXT)),
      entry("auth.token.issuer", to("auth.token.issuer", Kind.TEXT)),
      entry("auth.token.rootcertbundle", to("auth.token.rootcertbundle", Kind.TEXT)),
      entry("auth.token.jwks", to("auth.token.jwks", Kind.TEXT)),
      entry("auth.silly", (p, v, w) -> w.problem(p, null, "silly authentication (any"
          + " Authorization header passes) is for distribution's own tests; Berth refuses to serve"
          + " with it rather than serve openly")),
      entry("notifications.endpoints", DistributionRules::endpoints),
      entry("notifications.events", DistributionRules::ignored),
      entry("health.storagedriver.enabled", to("health.storage.enabled", Kind.BOOLEAN)),
      entry("health.storagedriver.interval", to("health.storage.interval", Kind.DURATION)),
      entry("health.storagedriver.threshold", to("health.storage.threshold", Kind.TEXT)),
      entry("proxy.remoteurl", to("proxy.remoteUrl", Kind.URL)),
      entry("proxy.username", to("proxy.username", Kind.TEXT)),
      entry("proxy.password", to("proxy.password", Kind.TEXT)),
      entry("proxy.ttl", to("proxy.ttl", Kind.DURATION)),
      entry("redis", DistributionRules::ignored),
      entry("reporting", DistributionRules::ignored),
      entry("middleware", DistributionRules::ignored),
      entry("validation", DistributionRules::ignored),
      entry("compatibility", DistributionRules::ignored),
      entry("catalog", DistributionRules::ignored));

  /** The rule at exactly this key, or null. */
  static Rule exact(String path) {
    return RULES.get(path);
  }

  /** The keys the table knows, for the documentation's table and its test. */
  static java.util.Set<String> keys() {
    return new java.util.TreeSet<>(RULES.keySet());
  }

  private static Rule to(String key, Kind kind) {
    return (p, v, w) -> w.set(key, convert(v, kind), p);
  }

  /** A key of a feature that lands later: kept under its Berth name. */
  private static Rule pending(String key) {
    return (p, v, w) -> w.set(key, text(v), p);
  }

  /** A section of a feature that lands later: each key under it kept under {@code prefix}. */
  private static Rule pendingTree(String prefix) {
    return new Rule() {
      @Override
      public void apply(String path, Object value, DistributionConfig.Walk walk) {
        walk(path, path, value, walk);
      }

      private void walk(String root, String path, Object value, DistributionConfig.Walk walk) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
          map.forEach((k, v) -> walk(root, path + "." + k, v, walk));
        } else {
          walk.set(prefix + path.substring(root.length()), text(value), path);
        }
      }
    };
  }

  /**
   * The endpoints as the launcher reads them (JSON), their {@code timeout} and {@code backoff}
   * turned from Go durations ({@code 500ms}, {@code 1.5s}, or a bare number of nanoseconds) into
   * Berth's; anything else is checked member by member where it is read.
   */
  private static void endpoints(String path, Object value, DistributionConfig.Walk walk) {
    if (value instanceof List<?> list) {
      List<Object> converted = new java.util.ArrayList<>();
      for (Object entry : list) {
        if (entry instanceof Map<?, ?> map) {
          Map<Object, Object> copy = new java.util.LinkedHashMap<>(map);
          for (String member : List.of("timeout", "backoff")) {
            if (copy.get(member) != null) {
              copy.put(member, convert(copy.get(member), Kind.DURATION));
            }
          }
          converted.add(copy);
        } else {
          converted.add(entry);
        }
      }
      value = converted;
    }
    walk.set("notifications.endpoints", text(value), path);
  }

  private static void ignored(String path, Object value, DistributionConfig.Walk walk) {
    walk.ignore(path, value);
  }

  /** A list of CA bundle files (or one file) as Berth's comma-separated list. */
  private static void clientCas(String path, Object value, DistributionConfig.Walk walk) {
    String files = value instanceof List<?> list ? String.join(",", list.stream()
        .map(String::valueOf).toList()) : text(value);
    walk.set("http.tls.clientCas", files, path);
  }

  /** logrus' levels onto Berth's four. */
  private static void level(String path, Object value, DistributionConfig.Walk walk) {
    String v = String.valueOf(value).toLowerCase(Locale.ROOT);
    String level = switch (v) {
      case "panic", "fatal", "error" -> "error";
      case "warn", "warning" -> "warn";
      case "trace" -> "debug";
      default -> v;
    };
    walk.set("log.level", level, path);
  }

  /** {@code host:port}, {@code :port} (every interface), {@code [::1]:port}. */
  private static void address(String path, Object value, DistributionConfig.Walk walk) {
    String v = String.valueOf(value).trim();
    int colon = v.lastIndexOf(':');
    if (colon < 0 || (v.startsWith("[") && !v.substring(0, colon).endsWith("]"))) {
      walk.problem(path, v, "expected host:port, or :port for every interface");
      return;
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    walk.set("http.host", host, path);
    walk.set("http.port", v.substring(colon + 1), path);
  }

  private static String convert(Object value, Kind kind) {
    String text = text(value).trim();
    return switch (kind) {
      case TEXT -> text;
      case BOOLEAN -> text.toLowerCase(Locale.ROOT);
      case URL -> text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
      case DURATION -> {
        if (value instanceof Number n) {
          // A bare number is a Go time.Duration in nanoseconds.
          yield Settings.formatDuration(Duration.ofNanos(n.longValue()));
        }
        Duration d = goDuration(text);
        yield d == null ? text : Settings.formatDuration(d);
      }
    };
  }

  private static final Pattern GO_PART = Pattern.compile("(\\d*\\.?\\d*)(ns|us|µs|ms|s|m|h)");

  /**
   * A Go duration ({@code 1h30m}, {@code 1.5h}, {@code 300ms}, {@code 24h}), to the millisecond;
   * null when it is not one.
   */
  static Duration goDuration(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = GO_PART.matcher(text);
    double nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      if (m.group(1).isEmpty() || m.group(1).equals(".")) {
        return null;
      }
      double n = Double.parseDouble(m.group(1));
      nanos += n * switch (m.group(2)) {
        case "ns" -> 1;
        case "us", "µs" -> 1e3;
        case "ms" -> 1e6;
        case "s" -> 1e9;
        case "m" -> 60e9;
        default -> 3600e9;
      };
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      return null;
    }
    return Duration.ofMillis(Math.round(nanos / 1e6));
  }

  /** A scalar as text; a list or map (notification endpoints) as JSON. */
  private static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof List<?> || value instanceof Map<?, ?>) {
      return new Gson().toJson(value);
    }
    return String.valueOf(value);
  }
}
