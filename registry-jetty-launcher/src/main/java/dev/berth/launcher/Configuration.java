package dev.berth.launcher;

import dev.berth.registry.servlet.config.DistributionConfig;
import dev.berth.registry.servlet.config.SettingKey;
import dev.berth.registry.servlet.config.Settings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A command's settings from every source, in order of precedence: the defaults, then the
 * configuration file (Berth's YAML, or distribution's {@code config.yml}, told apart by its
 * {@code version} key), then the environment ({@code REGISTRY_*} in distribution's spelling, then
 * {@code BERTH_*}), then the flags. Nothing is created, opened for writing, or bound here: what is
 * wrong is collected as problems, one per key, and what is ignored as warnings.
 */
final class Configuration {

  final Settings settings = new Settings();
  final List<String> warnings = new ArrayList<>();
  final List<Settings.Problem> problems = new ArrayList<>();
  private final Command command;
  private final boolean strict;

  private Configuration(Command command, boolean strict) {
    this.command = command;
    this.strict = strict;
  }

  static Configuration load(Cli.Invocation invocation, Map<String, String> environment) {
    Configuration c = new Configuration(invocation.command(), invocation.strict());
    Map<String, String> env = new TreeMap<>(environment);
    boolean distributionFile = false;
    if (invocation.configFile() != null) {
      distributionFile = c.file(Path.of(invocation.configFile()), env);
    }
    if (!distributionFile) {
      c.translated(DistributionConfig.translateEnvironment(env), "the environment");
    }
    c.berthVariables(env);
    for (Cli.Flag f : invocation.flags()) {
      c.settings.set(f.key(), f.value(), f.flag());
    }
    c.pending();
    c.problems.addAll(c.settings.problems(invocation.command()::applies));
    return c;
  }

  /** Reads the file; true when it is distribution's (then it took the REGISTRY_* variables). */
  private boolean file(Path file, Map<String, String> env) {
    Object document;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (IOException e) {
      problems.add(new Settings.Problem("config file", file.toString(), "the command line",
          "cannot read it: " + OsReasons.of(e)));
      return false;
    } catch (YAMLException e) {
      problems.add(new Settings.Problem("config file", file.toString(), "the command line",
          "not YAML: " + e.getMessage().replace('\n', ' ')));
      return false;
    }
    if (document == null) {
      return false;
    }
    if (!(document instanceof Map<?, ?> map)) {
      problems.add(new Settings.Problem("config file", file.toString(), "the command line",
          "expected a map of settings"));
      return false;
    }
    if (DistributionConfig.isDistribution(map)) {
      translated(DistributionConfig.translateFile(map, file.toString(), env), file.toString());
      return true;
    }
    berthFile(map, "", file.toString());
    return false;
  }

  /** Berth's own file: nested maps of the table's keys; an unknown key is an error (a typo). */
  private void berthFile(Map<?, ?> map, String prefix, String file) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested && Settings.key(key).isEmpty()) {
        berthFile(nested, key + ".", file);
        continue;
      }
      if (Settings.key(key).isEmpty()) {
        problems.add(new Settings.Problem(key, null, file, "unknown setting; known: "
            + String.join(", ", Settings.KEYS.stream().map(SettingKey::name).toList())));
        continue;
      }
      settings.set(key, value(e.getValue()), file + ": " + key);
    }
  }

  private static String value(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof List<?> list && list.stream().anyMatch(i -> i instanceof Map<?, ?>)) {
      // proxy.upstreams: a list of maps, kept as JSON as a flag or variable gives it.
      return new com.google.gson.Gson().toJson(value);
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    if (value instanceof Map<?, ?>) {
      return new com.google.gson.Gson().toJson(value);
    }
    return String.valueOf(value);
  }

  private void translated(DistributionConfig.Translation t, String where) {
    for (DistributionConfig.Assignment a : t.assignments()) {
      settings.set(a.key(), a.value(), a.source());
    }
    problems.addAll(t.problems());
    if (!t.ignored().isEmpty()) {
      String line = where + ": ignored, Berth has no equivalent: " + String.join(", ",
          t.ignored());
      if (strict) {
        problems.add(new Settings.Problem("--strict", null, "the command line", line));
      } else {
        warnings.add(line + " (--strict makes this an error)");
      }
    }
  }

  /** {@code BERTH_HTTP_PORT} and the like; others with the prefix are named in a warning. */
  private void berthVariables(Map<String, String> env) {
    TreeSet<String> unknown = new TreeSet<>();
    env.forEach((variable, value) -> {
      if (!variable.startsWith("BERTH_")) {
        return;
      }
      Settings.keyOfVariable(variable).ifPresentOrElse(
          key -> settings.set(key, value, variable), () -> unknown.add(variable));
    });
    if (!unknown.isEmpty()) {
      warnings.add("environment variables that name no setting, ignored: "
          + String.join(", ", unknown) + " (BERTH_ + the key in UPPER_SNAKE case, e.g."
          + " BERTH_HTTP_PORT)");
    }
  }

  /** Keys of features that land later: refused where ignoring them is unsafe, else warned of. */
  private void pending() {
    if (command != Command.SERVE) {
      return;
    }
    Map<String, List<String>> byFeature = new LinkedHashMap<>();
    settings.pendingValues().forEach((key, value) -> {
      SettingKey k = Settings.key(key).orElseThrow();
      if (k.pending().refused()) {
        problems.add(settings.problem(key, "not supported yet: " + k.pending().feature()));
      } else {
        byFeature.computeIfAbsent(k.pending().feature(), f -> new ArrayList<>()).add(key);
      }
    });
    byFeature.forEach((feature, keys) -> warnings.add("not supported yet, ignored: "
        + String.join(", ", keys) + " (" + feature + ")"));
  }
}
