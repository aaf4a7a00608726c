package dev.berth.registry.servlet.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * distribution's (registry:2's) {@code config.yml} in Berth's terms: every key Berth has an
 * equivalent for becomes that setting, a key of a feature that lands later becomes its pending
 * key, and every other key is listed as ignored, never dropped silently. The rules are the table in
 * {@link DistributionRules}; this class walks a configuration through it.
 *
 * <p>A whole file starts from distribution's own defaults where they differ from Berth's (deletes
 * off, uploads purged every 24h) and must name one storage driver; {@code REGISTRY_*} environment
 * variables (distribution's spelling: {@code REGISTRY_HTTP_ADDR} is {@code http.addr}) override
 * the file's keys before the translation, as they do in registry:2.
 */
public final class DistributionConfig {
  private DistributionConfig() {}

  /** A Berth setting a distribution key amounts to, and that key (with its file or variable). */
  public record Assignment(String key, String value, String source) {}

  /**
   * What a configuration amounts to.
   *
   * @param assignments the Berth settings, in the order to apply them
   * @param ignored distribution keys Berth has no equivalent for, sorted
   * @param problems what cannot be served at all (another storage driver, a pull-through cache)
   */
  public record Translation(List<Assignment> assignments, List<String> ignored,
      List<Settings.Problem> problems) {}

  /** The prefix of distribution's environment variables. */
  public static final String ENV_PREFIX = "REGISTRY_";

  /**
   * Variables with the prefix that are not distribution's: {@code REGISTRY_AUTH_FILE} is where
   * podman, skopeo and buildah keep credentials.
   */
  static final Set<String> FOREIGN_VARIABLES = Set.of("REGISTRY_AUTH_FILE");

  /** Storage keys that configure storage rather than name a driver. */
  private static final Set<String> STORAGE_PARAMETERS = Set.of("delete", "maintenance", "cache",
      "redirect", "tag");

  /** Whether a YAML document is a distribution configuration: it has a top-level {@code version}. */
  public static boolean isDistribution(Map<?, ?> document) {
    return document.containsKey("version");
  }

  /**
   * Translates a whole distribution configuration, after applying the {@code REGISTRY_*}
   * variables of {@code environment} to it.
   *
   * @param document the file as SnakeYAML reads it (nested maps, lists and scalars)
   * @param file how to name the file in messages
   */
  public static Translation translateFile(Map<?, ?> document, String file,
      Map<String, String> environment) {
    Map<String, Object> tree = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    copy(document, "", tree, file, sources);
    overlay(environment, tree, sources);
    Walk walk = new Walk(sources);
    walk.assign("deletes.enabled", "false", file + " (distribution's default)");
    walk.assign("uploads.maxAge", "168h", file + " (distribution's default)");
    walk.assign("uploads.purgeInterval", "24h", file + " (distribution's default)");
    // registry:2 serves no metrics unless asked (http.debug.prometheus.enabled).
    walk.assign("http.debug.prometheus.enabled", "false", file + " (distribution's default)");
    walk.node("", tree);
    storageDriver(tree, walk, file);
    DistributionS3.redirect(tree.get("storage"), walk);
    return walk.result();
  }

  /** Translates the {@code REGISTRY_*} variables alone (beside a Berth file, or no file). */
  public static Translation translateEnvironment(Map<String, String> environment) {
    Map<String, Object> tree = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    overlay(environment, tree, sources);
    Walk walk = new Walk(sources);
    walk.node("", tree);
    Object storage = tree.get("storage");
    DistributionS3.redirect(storage, walk);
    if (storage instanceof Map<?, ?> drivers && drivers.containsKey("inmemory")) {
      walk.assign("storage.path", "memory", sources.get("storage.inmemory"));
    }
    return walk.result();
  }

  /** The distribution key a {@code REGISTRY_*} variable sets, or null for another variable. */
  public static String keyOfVariable(String variable) {
    if (!variable.startsWith(ENV_PREFIX) || variable.length() == ENV_PREFIX.length()
        || FOREIGN_VARIABLES.contains(variable)) {
      return null;
    }
    return variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** Copies the document with lower-cased keys (distribution's keys are lower case). */
  private static void copy(Map<?, ?> from, String prefix, Map<String, Object> to, String file,
      Map<String, String> sources) {
    for (Map.Entry<?, ?> e : from.entrySet()) {
      boolean keepCase = prefix.equals("http.headers.");
      String name = keepCase ? String.valueOf(e.getKey())
          : String.valueOf(e.getKey()).toLowerCase(Locale.ROOT);
      String path = prefix + name;
      if (e.getValue() instanceof Map<?, ?> nested) {
        Map<String, Object> child = new LinkedHashMap<>();
        to.put(name, child);
        copy(nested, path + ".", child, file, sources);
      } else {
        to.put(name, e.getValue());
      }
      sources.put(path, file + ": " + path);
    }
  }

  @SuppressWarnings("unchecked")
  private static void overlay(Map<String, String> environment, Map<String, Object> tree,
      Map<String, String> sources) {
    new java.util.TreeMap<>(environment).forEach((variable, value) -> {
      String key = keyOfVariable(variable);
      if (key == null) {
        return;
      }
      String[] parts = key.split("\\.");
      Map<String, Object> node = tree;
      for (int i = 0; i < parts.length - 1; i++) {
        Object child = node.get(parts[i]);
        if (!(child instanceof Map<?, ?>)) {
          child = new LinkedHashMap<String, Object>();
          node.put(parts[i], child);
        }
        node = (Map<String, Object>) child;
      }
      node.put(parts[parts.length - 1], value);
      sources.put(key, variable);
    });
  }

  /** distribution wants exactly one driver; Berth serves the filesystem and memory ones. */
  private static void storageDriver(Map<String, Object> tree, Walk walk, String file) {
    Object storage = tree.get("storage");
    List<String> drivers = new ArrayList<>();
    if (storage instanceof Map<?, ?> map) {
      map.keySet().stream().map(String::valueOf).filter(k -> !STORAGE_PARAMETERS.contains(k))
          .forEach(drivers::add);
    }
    if (drivers.size() != 1) {
      walk.problems.add(new Settings.Problem("storage", null, file, drivers.isEmpty()
          ? "no storage driver: name one (filesystem: {rootdirectory: DIR}, or inmemory)"
          : "more than one storage driver: " + String.join(", ", drivers)));
      return;
    }
    String driver = drivers.get(0);
    String source = walk.sources.getOrDefault("storage." + driver, file);
    switch (driver) {
      case "filesystem" -> {
        Object fs = ((Map<?, ?>) storage).get("filesystem");
        if (!(fs instanceof Map<?, ?> params) || !params.containsKey("rootdirectory")) {
          walk.assign("storage.path", "/var/lib/registry", source + " (distribution's default)");
        }
      }
      case "inmemory" -> walk.assign("storage.path", "memory", source);
      case "s3" -> { }
      default -> walk.problems.add(new Settings.Problem("storage." + driver, null, source,
          "storage driver '" + driver + "' is not supported: Berth stores on a filesystem, in"
              + " memory, or S3"));
    }
  }

  /** One walk over a configuration: the assignments, ignored keys and problems it found. */
  static final class Walk {
    final Map<String, String> sources;
    final List<Assignment> assignments = new ArrayList<>();
    final Set<String> ignored = new TreeSet<>();
    final List<Settings.Problem> problems = new ArrayList<>();
    /** Where {@code uploadpurging.enabled: false} was found, if it was. */
    String purgingOffAt;

    Walk(Map<String, String> sources) {
      this.sources = sources;
    }

    void node(String path, Object value) {
      DistributionRules.Rule rule = DistributionRules.exact(path);
      if (rule != null) {
        rule.apply(path, value, this);
        return;
      }
      if (value instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          node(path.isEmpty() ? String.valueOf(e.getKey()) : path + "." + e.getKey(),
              e.getValue());
        }
      } else if (!path.isEmpty()) {
        ignored.add(path);
      }
    }

    /** Sets a Berth key from the distribution key at {@code path}. */
    void set(String key, String value, String path) {
      assign(key, value, source(path));
    }

    void assign(String key, String value, String source) {
      assignments.add(new Assignment(key, value, source));
    }

    void ignore(String path, Object value) {
      if (value instanceof Map<?, ?> map && !map.isEmpty()) {
        map.forEach((k, v) -> ignore(path + "." + k, v));
      } else {
        ignored.add(path);
      }
    }

    void problem(String path, Object value, String reason) {
      problems.add(new Settings.Problem(path, value == null ? null : String.valueOf(value),
          source(path), reason));
    }

    String source(String path) {
      String s = sources.get(path);
      while (s == null && path.contains(".")) {
        path = path.substring(0, path.lastIndexOf('.'));
        s = sources.get(path);
      }
      return s == null ? path : s;
    }

    Translation result() {
      if (purgingOffAt != null) {
        set("uploads.purgeInterval", "0s", purgingOffAt);
      }
      return new Translation(List.copyOf(assignments), List.copyOf(ignored),
          List.copyOf(problems));
    }
  }
}
