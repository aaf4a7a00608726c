package dev.berth.launcher;

import dev.berth.registry.RegistryOptions;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The launcher's settings: defaults, then a YAML file ({@code --config}), then flags. Every flag
 * is a config key: {@code --gc-grace-period 2h} is {@code gc: {gracePeriod: 2h}}. {@link #KEYS}
 * is the reference the README documents.
 */
final class Settings {

  /** A setting: its YAML path, its flag, its default and what it does. */
  record Key(String yaml, String flag, String defaultValue, String help) {}

  static final List<Key> KEYS = List.of(
      new Key("http.host", "--host", "0.0.0.0", "address to listen on"),
      new Key("http.port", "--port", "5000", "port to listen on; 0 picks a free one (printed)"),
      new Key("http.relativeUrls", "--relative-urls", "false",
          "send Location headers as paths instead of absolute URLs"),
      new Key("storage.path", "--storage", "./data",
          "registry:2-layout directory, or 'memory' for a heap registry"),
      new Key("deletes.enabled", "--deletes-enabled", "true",
          "allow DELETE of manifests, tags and blobs (else 405 UNSUPPORTED)"),
      new Key("deletes.referrersWithSubject", "--delete-referrers-with-subject", "false",
          "deleting a manifest also deletes its untagged referrers, recursively"),
      new Key("manifests.maxBytes", "--max-manifest-bytes", "4194304",
          "largest manifest accepted (413 above)"),
      new Key("listing.maxPageSize", "--max-page-size", "1000",
          "most entries in one page of tags, repositories or referrers"),
      new Key("listing.catalogPageSize", "--catalog-page-size", "100",
          "catalog entries when the client gives no n"),
      new Key("listing.referrersPageSize", "--referrers-page-size", "100",
          "referrers entries when the client gives no n"),
      new Key("uploads.maxAge", "--upload-max-age", "168h",
          "upload sessions older than this are purged"),
      new Key("uploads.purgeInterval", "--upload-purge-interval", "1h",
          "how often expired upload sessions are purged; 0s never"),
      new Key("gc.interval", "--gc-interval", "0s",
          "run garbage collection this often while serving; 0s never"),
      new Key("gc.gracePeriod", "--gc-grace-period", "1h",
          "never collect what was written within this period"),
      new Key("gc.deleteUntagged", "--gc-delete-untagged", "false",
          "collect untagged manifests that nothing references"));

  private final Map<String, String> values = new LinkedHashMap<>();

  Settings() {
    KEYS.forEach(k -> values.put(k.yaml(), k.defaultValue()));
  }

  /** Reads a YAML file of nested maps; unknown keys are an error, so typos do not pass silently. */
  void loadYaml(Path file) throws IOException {
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    Object root;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = yaml.load(reader);
    }
    if (root == null) {
      return;
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(file + ": expected a map of settings");
    }
    flatten("", map, file);
  }

  private void flatten(String prefix, Map<?, ?> map, Path file) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, file);
      } else {
        if (!values.containsKey(key)) {
          throw new IllegalArgumentException(file + ": unknown setting '" + key + "'; known: "
              + String.join(", ", values.keySet()));
        }
        values.put(key, String.valueOf(e.getValue()));
      }
    }
  }

  /** Applies {@code --flag value}; returns false for a flag that is not a setting. */
  boolean applyFlag(String flag, String value) {
    for (Key k : KEYS) {
      if (k.flag().equals(flag)) {
        values.put(k.yaml(), value);
        return true;
      }
    }
    return false;
  }

  static boolean isFlag(String flag) {
    return KEYS.stream().anyMatch(k -> k.flag().equals(flag));
  }

  static boolean isBooleanFlag(String flag) {
    return KEYS.stream().anyMatch(k -> k.flag().equals(flag)
        && (k.defaultValue().equals("true") || k.defaultValue().equals("false")));
  }

  String get(String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalStateException("no setting " + key);
    }
    return value;
  }

  int integer(String key) {
    try {
      return Integer.parseInt(get(key).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": not a whole number: " + get(key));
    }
  }

  boolean bool(String key) {
    String v = get(key).trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(key + ": expected true or false, got " + get(key));
    }
    return v.equals("true");
  }

  Duration duration(String key) {
    return parseDuration(get(key), key);
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  /** {@code 1h30m}, {@code 90s}, {@code 7d}, {@code 500ms}, {@code 0s}. */
  static Duration parseDuration(String text, String what) {
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

  RegistryOptions registryOptions() {
    return new RegistryOptions(bool("deletes.enabled"), bool("deletes.referrersWithSubject"),
        integer("manifests.maxBytes"), integer("listing.maxPageSize"),
        integer("listing.catalogPageSize"), integer("listing.referrersPageSize"),
        duration("uploads.maxAge"));
  }

  /** The reference table for --help. */
  static String help() {
    List<String> lines = new ArrayList<>();
    for (Key k : KEYS) {
      lines.add(String.format("  %-34s %-28s %s (default %s)", k.flag() + " <value>", k.yaml(),
          k.help(), k.defaultValue()));
    }
    return String.join("\n", lines);
  }
}
