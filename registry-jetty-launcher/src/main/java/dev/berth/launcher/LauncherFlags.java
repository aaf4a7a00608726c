package dev.berth.launcher;

import dev.berth.registry.servlet.config.SettingKey;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The launcher's sources of settings: a YAML file ({@code --config}) and flags, onto the one table
 * of {@link dev.berth.registry.servlet.config.Settings#KEYS}. Every flag is a config key:
 * {@code --gc-grace-period 2h} is {@code gc: {gracePeriod: 2h}}.
 */
final class LauncherFlags {
  private LauncherFlags() {}

  /** Reads a YAML file of nested maps; unknown keys are an error, so typos do not pass silently. */
  static void loadYaml(dev.berth.registry.servlet.config.Settings settings, Path file)
      throws IOException {
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
    flatten(settings, "", map, file);
  }

  private static void flatten(dev.berth.registry.servlet.config.Settings settings, String prefix,
      Map<?, ?> map, Path file) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested) {
        flatten(settings, key + ".", nested, file);
      } else if (e.getValue() instanceof List<?> list) {
        requireKnown(key, file);
        settings.set(key, String.join(",", list.stream().map(String::valueOf).toList()));
      } else {
        requireKnown(key, file);
        settings.set(key, String.valueOf(e.getValue()));
      }
    }
  }

  private static void requireKnown(String key, Path file) {
    if (dev.berth.registry.servlet.config.Settings.key(key).isEmpty()) {
      List<String> known = new ArrayList<>();
      dev.berth.registry.servlet.config.Settings.KEYS.forEach(k -> known.add(k.name()));
      throw new IllegalArgumentException(file + ": unknown setting '" + key + "'; known: "
          + String.join(", ", known));
    }
  }

  static boolean isFlag(String flag) {
    return dev.berth.registry.servlet.config.Settings.flag(flag).isPresent();
  }

  static boolean isBooleanFlag(String flag) {
    return dev.berth.registry.servlet.config.Settings.flag(flag).map(SettingKey::isBoolean)
        .orElse(false);
  }

  /** The reference table for --help. */
  static String help() {
    List<String> lines = new ArrayList<>();
    for (SettingKey k : dev.berth.registry.servlet.config.Settings.KEYS) {
      lines.add(String.format("  %-34s %-28s %s (default %s)", k.flag() + " <value>", k.name(),
          k.help(), k.defaultValue().isEmpty() ? "none" : k.defaultValue()));
    }
    return String.join("\n", lines);
  }
}
