package dev.berth.registry.servlet.config;

/**
 * One setting of a Berth registry.
 *
 * @param name its key in the YAML file and its init-param name in a {@code web.xml}
 *     ({@code storage.path})
 * @param flag the launcher's command-line flag ({@code --storage})
 * @param defaultValue the value when nothing sets it
 * @param help what it does, for {@code --help} and the README
 * @param scope where it applies
 */
public record SettingKey(String name, String flag, String defaultValue, String help, Scope scope) {

  /** Where a setting applies. */
  public enum Scope {
    /** Anywhere the servlet runs: the launcher and a servlet container alike. */
    SERVLET,
    /** Only the launcher's own HTTP server (address, port, timeouts of its connector). */
    LAUNCHER
  }

  /** Whether the value is {@code true} or {@code false} (a switch on the command line). */
  public boolean isBoolean() {
    return defaultValue.equals("true") || defaultValue.equals("false");
  }
}
