package dev.berth.launcher;

import dev.berth.registry.servlet.config.SettingKey;
import dev.berth.registry.servlet.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code --help}, from the settings table: one line per flag with its key, meaning and default,
 * switches shown as {@code --[no-]flag}. The README's configuration table is
 * {@link #markdownTable()} of the same rows ({@code ReadmeTableTest} keeps them equal).
 */
final class Help {
  private Help() {}

  static final String INTRO = """
      Berth, an OCI registry with reference types

      usage (berth is bin/berth, or java -jar berth.jar):
        berth [serve] [FILE | --config FILE] [flags]    serve the registry (the default command)
        berth gc [FILE | --config FILE] [--dry-run] [flags]
                                                        collect garbage, then exit
        berth reindex [FILE | --config FILE] [flags]    rebuild the referrers index, then exit
        berth help [serve|gc|reindex]

      FILE is Berth's YAML or distribution's (registry:2's) config.yml, told apart by its
      'version' key. Settings come from the defaults, then FILE, then the environment
      (REGISTRY_HTTP_ADDR and the like in distribution's spelling, then BERTH_ + the key in
      UPPER_SNAKE case: BERTH_HTTP_PORT, BERTH_STORAGE_READ_ONLY), then the flags. Keys of a
      config.yml Berth has no equivalent for are named in one warning; --strict makes that an
      error. Exit codes: 0 done (serve: stopped by SIGTERM), 1 failed while running, 2 bad usage
      or configuration. Durations: 500ms, 90s, 30m, 1h, 7d, 1h30m, 0s.
      """;

  /** The whole help, or one command's. */
  static String text(Command command) {
    StringBuilder out = new StringBuilder(INTRO).append('\n');
    if (command == null || command == Command.SERVE) {
      out.append("serve flags (each also a key of FILE, and an environment variable):\n");
      out.append(rows(Command.SERVE)).append('\n');
      out.append("\ngc: --dry-run, --grace-period (--gc-grace-period), --delete-untagged"
          + " (--gc-delete-untagged),\n    --upload-max-age, the storage flags and --log-level."
          + "\nreindex: the storage flags and --log-level.\n");
      out.append("\nNot supported yet (accepted, and named at start; serving is refused where"
          + " ignoring them\nwould serve other data or less securely than configured):\n");
      for (SettingKey k : Settings.PENDING) {
        out.append(String.format("  %-28s %s%s%n", k.name(), k.pending().feature(),
            k.pending().refused() ? " [refused]" : ""));
      }
    } else {
      out.append(command.word()).append(" flags:\n").append(rows(command)).append('\n');
      out.append(String.format("  %-38s %s%n", "--config=FILE", "the configuration file"));
      if (command == Command.GC) {
        out.append(String.format("  %-38s %s%n", "--dry-run",
            "print what would be removed, remove nothing"));
      }
    }
    return out.toString();
  }

  private static String rows(Command command) {
    List<String> lines = new ArrayList<>();
    for (SettingKey k : Settings.KEYS) {
      if (command.applies(k)) {
        lines.add(String.format("  %-38s %s, default %s%n%s", flagColumn(k, k.flag()),
            k.name(), shown(k.defaultValue()), wrap("      " + k.help())));
      }
    }
    for (Map.Entry<String, String> alias : command.aliases().entrySet()) {
      SettingKey k = Settings.key(alias.getValue()).orElseThrow();
      lines.add(String.format("  %-38s %s, same as %s", flagColumn(k, alias.getKey()),
          k.name(), k.flag()));
    }
    return String.join("\n", lines);
  }

  /** Lines of at most 100 columns, continued under the first. */
  private static String wrap(String line) {
    int indent = 6;
    StringBuilder out = new StringBuilder();
    String rest = line;
    while (rest.length() > 100) {
      int cut = rest.lastIndexOf(' ', 100);
      if (cut <= indent) {
        break;
      }
      out.append(rest, 0, cut).append('\n');
      rest = " ".repeat(indent) + rest.substring(cut + 1);
    }
    return out.append(rest).toString();
  }

  private static String flagColumn(SettingKey k, String flag) {
    return k.isBoolean() ? "--[no-]" + flag.substring(2) : flag + "=" + k.type().placeholder();
  }

  private static String shown(String value) {
    return value.isEmpty() ? "none" : value;
  }

  /** The README's table: the same rows as {@code --help}, in Markdown. */
  static String markdownTable() {
    StringBuilder out = new StringBuilder(
        "| Flag | Config key (and `web.xml` init param) | Environment | Default | Scope | Meaning |\n"
        + "|---|---|---|---|---|---|\n");
    for (SettingKey k : Settings.KEYS) {
      out.append("| `").append(k.isBoolean() ? "--[no-]" + k.flag().substring(2) : k.flag())
          .append("` | `").append(k.name()).append("` | `").append(k.environmentVariable())
          .append("` | ").append(k.defaultValue().isEmpty() ? "none" : "`" + k.defaultValue()
              + "`")
          .append(" | ").append(k.scope() == SettingKey.Scope.SERVLET ? "servlet" : "launcher")
          .append(" | ").append(k.help().replace("|", "\\|")).append(" |\n");
    }
    return out.toString();
  }
}
