package dev.berth.registry.servlet.config;

import dev.berth.registry.Registry;
import dev.berth.registry.RegistryOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A registry's settings: the defaults of {@link #KEYS}, then whatever the host sets (the launcher's
 * YAML file, environment and flags, or a {@code web.xml}'s init params), each value remembered with
 * where it came from, so that a problem names its source. One table, so the launcher, the servlet
 * and the README agree.
 */
public final class Settings {

  /** Every setting Berth implements, in the order of {@code --help} and the README. */
  public static final List<SettingKey> KEYS = SettingTable.KEYS;

  /** Settings accepted and named, whose features land later ({@link SettingKey#pending}). */
  public static final List<SettingKey> PENDING = SettingTable.PENDING;

  /** The source of a value nothing set. */
  public static final String DEFAULT = "default";

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();
  /** Values of pending keys, by their full names ({@code storage.s3.bucket}). */
  private final Map<String, String> pendingValues = new TreeMap<>();

  public Settings() {
    KEYS.forEach(k -> values.put(k.name(), k.defaultValue()));
  }

  /** The key of that name: a setting, or a pending key or group that covers it. */
  public static Optional<SettingKey> key(String name) {
    return Stream.concat(KEYS.stream(), PENDING.stream()).filter(k -> k.matches(name))
        .findFirst();
  }

  public static Optional<SettingKey> flag(String flag) {
    return KEYS.stream().filter(k -> k.flag().equals(flag)).findFirst();
  }

  /** The key an environment variable sets ({@code BERTH_HTTP_PORT}), with its full name. */
  public static Optional<String> keyOfVariable(String variable) {
    for (SettingKey k : KEYS) {
      if (k.environmentVariable().equals(variable)) {
        return Optional.of(k.name());
      }
    }
    for (SettingKey k : PENDING) {
      String v = k.environmentVariable();
      if (k.isGroup() ? variable.startsWith(v) && variable.length() > v.length()
          : v.equals(variable)) {
        String base = k.name().substring(0, k.name().length() - (k.isGroup() ? 1 : 0));
        return Optional.of(k.isGroup() ? base + variable.substring(v.length())
            .toLowerCase(Locale.ROOT).replace('_', '.') : k.name());
      }
    }
    return Optional.empty();
  }

  /**
   * Sets a value.
   *
   * @throws IllegalArgumentException for a key that is not a setting
   */
  public Settings set(String name, String value) {
    return set(name, value, "set");
  }

  /**
   * Sets a value and records where it came from ({@code --port}, {@code BERTH_HTTP_PORT},
   * {@code berth.yml}); a key of a pending feature is kept apart ({@link #pendingValues()}).
   *
   * @throws IllegalArgumentException for a key that is not a setting
   */
  public Settings set(String name, String value, String source) {
    SettingKey key = key(name).orElseThrow(
        () -> new IllegalArgumentException("unknown setting '" + name + "'"));
    if (key.isPending()) {
      pendingValues.put(name, value);
    } else {
      values.put(name, value);
    }
    sources.put(name, source);
    return this;
  }

  public String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalStateException("no setting " + key);
    }
    return value;
  }

  /** Where a key's value came from: {@link #DEFAULT} when nothing set it. */
  public String source(String key) {
    return sources.getOrDefault(key, DEFAULT);
  }

  /** Values set for keys of features that land later, by full key name, sorted. */
  public Map<String, String> pendingValues() {
    return java.util.Collections.unmodifiableMap(pendingValues);
  }

  /** The keys set to something other than their default, as {@code key=value (source)}. */
  public List<String> changed(Predicate<SettingKey> applies) {
    List<String> changed = new ArrayList<>();
    for (SettingKey k : KEYS) {
      String v = values.get(k.name());
      if (applies.test(k) && !v.equals(k.defaultValue())) {
        changed.add(k.name() + "=" + shown(k, v) + " (" + source(k.name()) + ")");
      }
    }
    return changed;
  }

  /**
   * A value as the start-up summary and problems show it: a {@link ValueType#SECRET} as
   * {@code ***}, the {@code password} members of {@link ValueType#OBJECTS} likewise.
   */
  static String shown(SettingKey key, String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    if (key.type() == ValueType.SECRET) {
      return "***";
    }
    if (key.type() == ValueType.OBJECTS) {
      // Passwords (proxy.upstreams) and webhook headers (an Authorization) are credentials.
      return value.replaceAll("(\"password\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", "$1\"***\"")
          .replaceAll("(\"headers\"\\s*:\\s*)\\{[^}]*}", "$1\"***\"");
    }
    return value;
  }

  /** Every problem of the values of the keys that {@code applies} to, one per key. */
  public List<Problem> problems(Predicate<SettingKey> applies) {
    List<Problem> problems = new ArrayList<>();
    for (SettingKey k : KEYS) {
      if (applies.test(k)) {
        String v = values.get(k.name());
        k.problem(v).ifPresent(reason -> problems.add(problem(k.name(), reason)));
      }
    }
    if (problems.isEmpty()) {
      crossChecks(applies, problems);
    }
    return problems;
  }

  /** Every problem of every key. */
  public List<Problem> problems() {
    return problems(k -> true);
  }

  /** A problem with a key's current value. */
  public Problem problem(String key, String reason) {
    String value = values.containsKey(key) ? values.get(key) : pendingValues.get(key);
    Optional<SettingKey> k = key(key);
    return new Problem(key, k.isPresent() ? shown(k.get(), value) : value, source(key), reason);
  }

  /** What the types alone cannot tell: pairs of keys, and values only a parser can judge. */
  private void crossChecks(Predicate<SettingKey> applies, List<Problem> problems) {
    boolean certificate = !get("http.tls.certificate").isBlank();
    boolean key = !get("http.tls.key").isBlank();
    if (applies.test(key("http.tls.key").orElseThrow()) && certificate != key) {
      problems.add(problem(certificate ? "http.tls.key" : "http.tls.certificate",
          "HTTPS needs both http.tls.certificate and http.tls.key"));
    }
    if (applies.test(key("http.trustedProxies").orElseThrow())) {
      try {
        TrustedProxies.parse(list("http.trustedProxies"));
      } catch (IllegalArgumentException e) {
        problems.add(problem("http.trustedProxies", e.getMessage()
            .replace("http.trustedProxies: ", "")));
      }
    }
    if (applies.test(key("storage.s3.checksums").orElseThrow())
        && !get("storage.s3.checksums").trim().matches("(?i)when_?required|when_?supported")) {
      problems.add(problem("storage.s3.checksums", "expected whenRequired or whenSupported"));
    }
    if (applies.test(key("storage.s3.accessKey").orElseThrow())
        && get("storage.s3.accessKey").isBlank() != get("storage.s3.secretKey").isBlank()) {
      problems.add(problem(get("storage.s3.accessKey").isBlank() ? "storage.s3.accessKey"
          : "storage.s3.secretKey", "storage.s3.accessKey and storage.s3.secretKey go together"
          + " (or neither, for the AWS SDK's default credentials chain)"));
    }
    if (applies.test(key("auth.htpasswd.path").orElseThrow())) {
      AuthChecks.check(this, problems);
    }
    if (applies.test(key("storage.path").orElseThrow()) && get("storage.path").isBlank()) {
      problems.add(problem("storage.path", "empty (a directory, or 'memory')"));
    }
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

  /** A {@link ValueType#SIZE} in bytes. */
  public long bytes(String key) {
    try {
      return parseSize(get(key));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage());
    }
  }

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|KiB|MiB|GiB|TiB)");

  /** {@code 1048576}, {@code 512MiB}, {@code 50GiB}: bytes, in powers of 1024. */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size (bytes, or e.g. 512MiB, 50GiB)");
    }
    int shift = switch (m.group(2)) {
      case "KiB" -> 10;
      case "MiB" -> 20;
      case "GiB" -> 30;
      case "TiB" -> 40;
      default -> 0;
    };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > Long.MAX_VALUE >> shift) {
        throw new IllegalArgumentException("too large");
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("too large");
    }
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

  /** A duration in the form {@link #parseDuration} reads, in its largest exact unit. */
  public static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms % sizes[i] == 0) {
        return ms / sizes[i] + units[i];
      }
    }
    return ms + "ms";
  }

  public RegistryOptions registryOptions() {
    return new RegistryOptions(bool("deletes.enabled"), bool("deletes.referrersWithSubject"),
        integer("manifests.maxBytes"), integer("listing.maxPageSize"),
        integer("listing.catalogPageSize"), integer("listing.referrersPageSize"),
        duration("uploads.maxAge"));
  }

  /** A registry on the configured storage, built (so recovered) and ready to serve. */
  public Registry buildRegistry() {
    return buildRegistry(s3() ? StorageProviders.open(this) : null, UnaryOperator.identity());
  }

  /** Whether the storage is S3 ({@code storage.s3.bucket} set) rather than storage.path. */
  public boolean s3() {
    return !get("storage.s3.bucket").isBlank();
  }

  /**
   * A registry on {@code storage} (opened by {@link StorageProviders#open} during the start's
   * checks), or on storage.path when it is null; with what the host adds to the builder before it
   * builds (the launcher's metrics and pull-through cache, which this module does not know).
   */
  public Registry buildRegistry(dev.berth.registry.storage.Storage storage,
      UnaryOperator<Registry.Builder> host) {
    boolean purging = !duration("uploads.purgeInterval").isZero()
        && !bool("uploads.purgeDryRun");
    Registry.Builder builder = Registry.builder().options(registryOptions())
        .readOnly(bool("storage.readOnly")).purgeUploadsOnStart(purging);
    String path = get("storage.path");
    if (storage != null) {
      builder.storage(storage);
    } else if (path.equals("memory")) {
      builder.inMemory();
    } else {
      builder.filesystem(Path.of(path), bool("storage.fsync"));
    }
    return host.apply(builder).build();
  }

  /** The options of the HTTP layer that any servlet container honours. */
  public HttpOptions httpOptions() {
    String external = get("http.externalUrl").trim();
    return new HttpOptions(bool("http.relativeUrls"), TrustedProxies.parse(list(
        "http.trustedProxies")), integer("http.minUploadRate"), duration("http.uploadRateGrace"),
        external.isEmpty() ? null : URI.create(external));
  }

  /**
   * A problem with a setting: its key, its value, where the value came from, and why it is wrong.
   * Printed as one line: {@code http.port = 'abc' (from --port): not a port}.
   */
  public record Problem(String key, String value, String source, String reason) {
    @Override
    public String toString() {
      return key + (value == null ? "" : " = '" + value + "'") + " (from " + source + "): "
          + reason;
    }
  }
}
