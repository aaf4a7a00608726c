package dev.berth.registry.servlet.config;

import dev.berth.registry.Registry;
import dev.berth.registry.RegistryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry's settings: the defaults of {@link #KEYS}, then whatever the host sets (the launcher's
 * YAML file and flags, or a {@code web.xml}'s init params). One table, so the launcher, the servlet
 * and the README agree.
 */
public final class Settings {

  private static final SettingKey.Scope S = SettingKey.Scope.SERVLET;
  private static final SettingKey.Scope L = SettingKey.Scope.LAUNCHER;

  public static final List<SettingKey> KEYS = List.of(
      new SettingKey("http.host", "--host", "0.0.0.0", "address to listen on", L),
      new SettingKey("http.port", "--port", "5000",
          "port to listen on; 0 picks a free one (printed)", L),
      new SettingKey("http.idleTimeout", "--idle-timeout", "30s",
          "close a connection that sends nothing for this long (headers or body)", L),
      new SettingKey("http.relativeUrls", "--relative-urls", "false",
          "send Location headers as paths instead of absolute URLs", S),
      new SettingKey("http.trustedProxies", "--trusted-proxies", "",
          "comma-separated addresses or CIDR ranges whose Forwarded / X-Forwarded-* headers are"
              + " honoured; none when empty", S),
      new SettingKey("http.minUploadRate", "--min-upload-rate", "1024",
          "bytes per second below which a request body is cut off (408) once the grace period"
              + " has passed; 0 never", S),
      new SettingKey("http.uploadRateGrace", "--upload-rate-grace", "30s",
          "how long a request body may arrive slower than the minimum rate", S),
      new SettingKey("storage.path", "--storage", "./data",
          "registry:2-layout directory, or 'memory' for a heap registry", S),
      new SettingKey("storage.fsync", "--storage-fsync", "true",
          "flush every acknowledged write to the disk (survives power loss)", S),
      new SettingKey("deletes.enabled", "--deletes-enabled", "true",
          "allow DELETE of manifests, tags and blobs (else 405 UNSUPPORTED)", S),
      new SettingKey("deletes.referrersWithSubject", "--delete-referrers-with-subject", "false",
          "deleting a manifest also deletes its untagged referrers, recursively", S),
      new SettingKey("manifests.maxBytes", "--max-manifest-bytes", "4194304",
          "largest manifest accepted (413 above)", S),
      new SettingKey("listing.maxPageSize", "--max-page-size", "1000",
          "most entries in one page of tags, repositories or referrers", S),
      new SettingKey("listing.catalogPageSize", "--catalog-page-size", "100",
          "catalog entries when the client gives no n", S),
      new SettingKey("listing.referrersPageSize", "--referrers-page-size", "100",
          "referrers entries when the client gives no n", S),
      new SettingKey("uploads.maxAge", "--upload-max-age", "168h",
          "upload sessions older than this are purged", S),
      new SettingKey("uploads.purgeInterval", "--upload-purge-interval", "1h",
          "how often expired upload sessions are purged; 0s never", S),
      new SettingKey("gc.interval", "--gc-interval", "0s",
          "run garbage collection this often while serving; 0s never", S),
      new SettingKey("gc.gracePeriod", "--gc-grace-period", "1h",
          "never collect what was written within this period", S),
      new SettingKey("gc.deleteUntagged", "--gc-delete-untagged", "false",
          "collect untagged manifests that nothing references", S));

  private final Map<String, String> values = new LinkedHashMap<>();

  public Settings() {
    KEYS.forEach(k -> values.put(k.name(), k.defaultValue()));
  }

  public static Optional<SettingKey> key(String name) {
    return KEYS.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  public static Optional<SettingKey> flag(String flag) {
    return KEYS.stream().filter(k -> k.flag().equals(flag)).findFirst();
  }

  /**
   * Sets a value.
   *
   * @throws IllegalArgumentException for a key that is not a setting
   */
  public Settings set(String name, String value) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("unknown setting '" + name + "'");
    }
    values.put(name, value);
    return this;
  }

  public String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalStateException("no setting " + key);
    }
    return value;
  }

  public int integer(String key) {
    try {
      return Integer.parseInt(get(key).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": not a whole number: " + get(key));
    }
  }

  public boolean bool(String key) {
    String v = get(key).trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(key + ": expected true or false, got " + get(key));
    }
    return v.equals("true");
  }

  public Duration duration(String key) {
    return parseDuration(get(key), key);
  }

  /** A comma-separated list, empty entries dropped. */
  public List<String> list(String key) {
    return java.util.Arrays.stream(get(key).split(",")).map(String::trim)
        .filter(s -> !s.isEmpty()).toList();
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  /** {@code 1h30m}, {@code 90s}, {@code 7d}, {@code 500ms}, {@code 0s}. */
  public static Duration parseDuration(String text, String what) {
    String t = text.trim();
    Matcher m = DURATION.matcher(t);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
      end = m.end();
    }
    if (end != t.length() || t.isEmpty()) {
      throw new IllegalArgumentException(what + ": not a duration: '" + text
          + "' (use e.g. 90s, 30m, 1h, 7d, 0s)");
    }
    return total;
  }

  public RegistryOptions registryOptions() {
    return new RegistryOptions(bool("deletes.enabled"), bool("deletes.referrersWithSubject"),
        integer("manifests.maxBytes"), integer("listing.maxPageSize"),
        integer("listing.catalogPageSize"), integer("listing.referrersPageSize"),
        duration("uploads.maxAge"));
  }

  /** A registry on the configured storage, built (so recovered) and ready to serve. */
  public Registry buildRegistry() {
    Registry.Builder builder = Registry.builder().options(registryOptions());
    String storage = get("storage.path");
    if (storage.equals("memory")) {
      builder.inMemory();
    } else {
      builder.filesystem(Path.of(storage), bool("storage.fsync"));
    }
    return builder.build();
  }

  /** The options of the HTTP layer that any servlet container honours. */
  public HttpOptions httpOptions() {
    return new HttpOptions(bool("http.relativeUrls"), TrustedProxies.parse(list(
        "http.trustedProxies")), integer("http.minUploadRate"), duration("http.uploadRateGrace"));
  }
}
