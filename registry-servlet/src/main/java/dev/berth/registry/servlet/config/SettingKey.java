package dev.berth.registry.servlet.config;

import java.util.Locale;
import java.util.Optional;

/**
 * One setting of a Berth registry.
 *
 * @param name its key in the YAML file and its init-param name in a {@code web.xml}
 *     ({@code storage.path}); a name ending in {@code .*} stands for every key under it
 * @param flag the launcher's command-line flag ({@code --storage}); empty for a pending key
 * @param defaultValue the value when nothing sets it
 * @param help what it does, for {@code --help} and the README
 * @param scope where it applies
 * @param type what a value must look like
 * @param min the least value of an {@link ValueType#INTEGER} (of a {@link ValueType#DURATION}, in
 *     milliseconds)
 * @param pending set for a key Berth accepts and names but whose feature lands later
 */
public record SettingKey(String name, String flag, String defaultValue, String help, Scope scope,
    ValueType type, long min, Pending pending) {

  /** Where a setting applies. */
  public enum Scope {
    /** Anywhere the servlet runs: the launcher and a servlet container alike. */
    SERVLET,
    /** Only the launcher's own HTTP server (address, port, timeouts of its connector). */
    LAUNCHER
  }

  /**
   * A key accepted before its feature exists.
   *
   * @param feature what it belongs to ("authentication"), for the warning
   * @param refused whether serving with it set is refused (exit 2) instead of warned about: where
   *     ignoring it would serve other data (S3) or less securely than configured (TLS client
   *     certificates)
   */
  public record Pending(String feature, boolean refused) {}

  /** A key whose type follows from its default: {@code true}/{@code false} make a switch. */
  public SettingKey(String name, String flag, String defaultValue, String help, Scope scope) {
    this(name, flag, defaultValue, help, scope, defaultValue.equals("true")
        || defaultValue.equals("false") ? ValueType.BOOLEAN : ValueType.TEXT, Long.MIN_VALUE,
        null);
  }

  /** A key of the given type. */
  public static SettingKey of(String name, String flag, String defaultValue, ValueType type,
      Scope scope, String help) {
    return new SettingKey(name, flag, defaultValue, help, scope, type, Long.MIN_VALUE, null);
  }

  /**
   * A key accepted and named, whose feature lands later: a value set for it is reported at start
   * (warned about, or refused).
   */
  public static SettingKey pending(String name, String feature, boolean refused) {
    return new SettingKey(name, "", "", "not yet supported: " + feature, Scope.LAUNCHER,
        ValueType.ANY, Long.MIN_VALUE, new Pending(feature, refused));
  }

  /** This key with a least value ({@link #min}). */
  public SettingKey atLeast(long least) {
    return new SettingKey(name, flag, defaultValue, help, scope, type, least, pending);
  }

  /** Whether the value is {@code true} or {@code false} (a switch on the command line). */
  public boolean isBoolean() {
    return type == ValueType.BOOLEAN;
  }

  public boolean isPending() {
    return pending != null;
  }

  /** Whether this key stands for every key under a prefix ({@code storage.s3.*}). */
  public boolean isGroup() {
    return name.endsWith(".*");
  }

  /** Whether {@code key} is this key, or a key under this group. */
  public boolean matches(String key) {
    return isGroup() ? key.startsWith(name.substring(0, name.length() - 1))
        && key.length() > name.length() - 1 : key.equals(name);
  }

  /** Why {@code value} is not acceptable for this key, or empty when it is. */
  public Optional<String> problem(String value) {
    return type.problem(value, min);
  }

  /**
   * The environment variable that sets this key: {@code BERTH_}, then the key with dots as
   * {@code _} and camelCase as {@code UPPER_SNAKE} ({@code http.minUploadRate} is
   * {@code BERTH_HTTP_MIN_UPLOAD_RATE}); a group gives its prefix ({@code BERTH_STORAGE_S3_}).
   */
  public String environmentVariable() {
    String base = isGroup() ? name.substring(0, name.length() - 2) : name;
    String snake = base.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_');
    return "BERTH_" + snake.toUpperCase(Locale.ROOT) + (isGroup() ? "_" : "");
  }
}
