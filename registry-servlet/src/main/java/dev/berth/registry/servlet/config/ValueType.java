package dev.berth.registry.servlet.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * What a setting's value must look like. Each type checks a value on its own (no file is opened,
 * no name looked up); what needs the system (a directory's permissions, a port's availability) is
 * the launcher's start-up check.
 */
public enum ValueType {
  BOOLEAN("true|false"),
  /** A whole number, at least the key's minimum. */
  INTEGER("N"),
  PORT("PORT"),
  /** {@code 500ms}, {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 7d}, {@code 0s}. */
  DURATION("DURATION"),
  TEXT("VALUE"),
  /** Comma-separated. */
  LIST("A,B"),
  /** An IP address or host name to listen on; empty for every interface. */
  HOST("ADDRESS"),
  /** {@code host:port}, {@code :port} (every interface) or {@code [::1]:port}; or empty. */
  ADDRESS("HOST:PORT"),
  /** An {@code http(s)://host[:port]} URL without a path, or empty. */
  URL("URL"),
  /** An absolute {@code http(s)://} URL, path allowed, or empty. */
  URL_WITH_PATH("URL"),
  /** A URL path the registry is served under ({@code /registry}), or empty. */
  PREFIX("PATH"),
  /** A log level. */
  LEVEL("LEVEL"),
  /** A file's path, or empty. */
  FILE("FILE"),
  /** A directory's path (or a word that stands for a storage, such as {@code memory}). */
  DIRECTORY("DIR"),
  /**
   * Text never shown (a password, a secret key): the start-up summary and problems print
   * {@code ***} instead.
   */
  SECRET("SECRET"),
  /** A number of bytes, whole, or with {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}. */
  SIZE("BYTES"),
  /**
   * A list of objects: a YAML list of maps in a file, its JSON on the command line or in the
   * environment; members named {@code password} are never shown. Its members are checked by the
   * component that reads it (the launcher's {@code proxy.upstreams}), with their own key paths.
   */
  OBJECTS("JSON"),
  /** Anything: the raw value of a setting Berth accepts but does not use yet. */
  ANY("VALUE");

  /** The log levels, quietest first. */
  public static final java.util.List<String> LEVELS = java.util.List.of("error", "warn", "info",
      "debug");

  private final String placeholder;

  ValueType(String placeholder) {
    this.placeholder = placeholder;
  }

  /** How the value is shown in {@code --help} ({@code --port=PORT}). */
  public String placeholder() {
    return placeholder;
  }

  /** Why {@code value} is not a value of this type (at least {@code min}), or empty if it is. */
  public Optional<String> problem(String value, long min) {
    String v = value.trim();
    return Optional.ofNullable(switch (this) {
      case BOOLEAN -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false") ? null
          : "expected true or false";
      case INTEGER -> integerProblem(v, min);
      case PORT -> v.matches("\\d{1,5}") && Integer.parseInt(v) <= 65535 ? null
          : "not a port (0 to 65535; 0 picks a free one)";
      case DURATION -> durationProblem(v, min);
      case HOST -> v.isEmpty() || v.matches("[A-Za-z0-9.:%_-]+|\\[[0-9A-Fa-f:.%a-z]+\\]") ? null
          : "not an IP address or host name";
      case ADDRESS -> v.isEmpty() || v.matches("(\\[[0-9A-Fa-f:.%a-z]+\\]|[A-Za-z0-9.%_-]*):\\d{1,5}")
          && Integer.parseInt(v.substring(v.lastIndexOf(':') + 1)) <= 65535 ? null
          : "not host:port, :port or [address]:port";
      case URL -> v.isEmpty() || isHttpUrl(v) ? null
          : "not an http:// or https:// URL of a host (and port) without a path";
      case URL_WITH_PATH -> v.isEmpty() || v.matches("https?://[^\\s\"/?#]+(/[^\\s\"]*)?") ? null
          : "not an absolute http:// or https:// URL";
      case PREFIX -> v.isEmpty() || v.matches("(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+/?") ? null
          : "not a URL path such as /registry";
      case LEVEL -> LEVELS.contains(v.toLowerCase(Locale.ROOT)) ? null
          : "not a log level (" + String.join(", ", LEVELS) + ")";
      case SIZE -> sizeProblem(v, min);
      case OBJECTS -> objectsProblem(v);
      case TEXT, LIST, FILE, DIRECTORY, SECRET, ANY -> null;
    });
  }

  private static String integerProblem(String v, long min) {
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      return "not a whole number";
    }
    if (n > Integer.MAX_VALUE) {
      return "too large (at most " + Integer.MAX_VALUE + ")";
    }
    return n < min ? "below the minimum of " + min : null;
  }

  private static String sizeProblem(String v, long min) {
    try {
      return Settings.parseSize(v) < min ? "below the minimum of " + min : null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static String objectsProblem(String v) {
    if (v.isEmpty()) {
      return null;
    }
    try {
      com.google.gson.JsonElement e = com.google.gson.JsonParser.parseString(v);
      if (e.isJsonArray()) {
        for (com.google.gson.JsonElement item : e.getAsJsonArray()) {
          if (!item.isJsonObject()) {
            return "expected a list of maps, one per entry";
          }
        }
        return null;
      }
    } catch (com.google.gson.JsonParseException e) {
      // Told below.
    }
    return "expected a list of maps (in YAML), or their JSON array";
  }

  private static String durationProblem(String v, long minMillis) {
    try {
      long millis = Settings.parseDuration(v, "").toMillis();
      return millis < minMillis ? "must be at least " + Settings.formatDuration(
          java.time.Duration.ofMillis(minMillis)) : null;
    } catch (IllegalArgumentException e) {
      return "not a duration (use e.g. 90s, 30m, 1h, 7d, 1h30m, 500ms, 0s)";
    } catch (ArithmeticException e) {
      return "too long";
    }
  }

  private static boolean isHttpUrl(String v) {
    try {
      return HttpOptions.isExternalUrl(new URI(v));
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
