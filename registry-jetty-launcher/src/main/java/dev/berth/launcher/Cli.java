package dev.berth.launcher;

import dev.berth.registry.servlet.config.SettingKey;
import dev.berth.registry.servlet.config.Settings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line, parsed by picocli from options generated out of the settings table
 * ({@link Settings#KEYS}): each command gets the flags of the settings it reads, plus
 * {@code --config FILE} (or the file as its one argument, as registry:2 takes it) and
 * {@code --strict}. A boolean setting is a switch: {@code --read-only}, {@code --no-read-only},
 * {@code --read-only=false} and {@code --read-only false} all work.
 */
final class Cli {
  private Cli() {}

  /** Bad usage: exit code 2, with the message and a pointer to {@code --help}. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** A setting given as a flag: its key, its value, and the flag as typed (for messages). */
  record Flag(String key, String value, String flag) {}

  /**
   * What the command line asks for.
   *
   * @param command the command, or null for the general help
   * @param configFile the configuration file, or null
   * @param strict whether configuration keys Berth ignores are an error instead of a warning
   * @param dryRun {@code gc --dry-run}
   * @param help whether help was asked for (of {@code command}, or general when it is null)
   * @param flags the settings given as flags, in order
   */
  record Invocation(Command command, String configFile, boolean strict, boolean dryRun,
      boolean help, List<Flag> flags) {}

  static Invocation parse(String[] arguments) throws UsageException {
    List<String> args = new ArrayList<>(List.of(arguments));
    Command command = Command.SERVE;
    if (!args.isEmpty() && !args.get(0).startsWith("-") && !looksLikeFile(args.get(0))) {
      String word = args.remove(0);
      if (word.equals("help")) {
        return new Invocation(args.isEmpty() ? null : Command.of(args.get(0)), null, false, false,
            true, List.of());
      }
      command = Command.of(word);
      if (command == null) {
        throw new UsageException("unknown command '" + word + "'");
      }
    } else if (!args.isEmpty() && (args.get(0).equals("--help") || args.get(0).equals("-h"))) {
      return new Invocation(null, null, false, false, true, List.of());
    }
    Map<String, String> keysByFlag = flags(command);
    CommandSpec spec = CommandSpec.create().name(command.word());
    keysByFlag.forEach((flag, key) -> spec.addOption(option(flag, Settings.key(key)
        .map(k -> k.type().placeholder()).orElse("VALUE"))));
    spec.addOption(option("--config", "FILE"));
    spec.addOption(option("--strict", "true|false"));
    if (command == Command.GC) {
      spec.addOption(option("--dry-run", "true|false"));
    }
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).build());
    spec.addPositional(PositionalParamSpec.builder().paramLabel("FILE").arity("0..1")
        .type(String.class).build());
    CommandLine line = new CommandLine(spec);
    line.setOverwrittenOptionsAllowed(true);
    line.setExpandAtFiles(false);
    ParseResult parsed;
    try {
      parsed = line.parseArgs(switches(command, keysByFlag, args).toArray(String[]::new));
    } catch (UnmatchedArgumentException e) {
      throw unmatched(command, e);
    } catch (ParameterException e) {
      String m = e.getMessage();
      throw new UsageException(m.isEmpty() ? m
          : Character.toLowerCase(m.charAt(0)) + m.substring(1));
    }
    if (parsed.isUsageHelpRequested()) {
      return new Invocation(command, null, false, false, true, List.of());
    }
    List<Flag> flags = new ArrayList<>();
    for (OptionSpec o : parsed.matchedOptions()) {
      String key = keysByFlag.get(o.longestName());
      if (key != null) {
        flags.add(new Flag(key, o.getValue(), o.longestName()));
      }
    }
    String file = parsed.matchedPositionals().isEmpty() ? null
        : parsed.matchedPositionals().get(0).getValue();
    String config = parsed.matchedOptionValue("--config", null);
    if (file != null && config != null) {
      throw new UsageException("give the configuration file once: --config " + config
          + " or " + file);
    }
    return new Invocation(command, config != null ? config : file,
        bool(parsed, "--strict"), bool(parsed, "--dry-run"), false, flags);
  }

  /** {@code berth config.yml}: a path where the command would be is {@code serve}'s file. */
  private static boolean looksLikeFile(String word) {
    return Command.of(word) == null && !word.equals("help")
        && (word.contains("/") || word.endsWith(".yml") || word.endsWith(".yaml"));
  }

  /** The command's flags that stand for settings, with the keys they set. */
  static Map<String, String> flags(Command command) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (SettingKey k : Settings.KEYS) {
      if (command.applies(k)) {
        flags.put(k.flag(), k.name());
      }
    }
    flags.putAll(command.aliases());
    return flags;
  }

  private static OptionSpec option(String name, String label) {
    return OptionSpec.builder(name).paramLabel(label).type(String.class).arity("1").build();
  }

  private static boolean bool(ParseResult parsed, String flag) {
    String v = parsed.matchedOptionValue(flag, "false");
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      return false;
    }
    return Boolean.parseBoolean(v);
  }

  /**
   * Spells every switch {@code --flag=value} before picocli sees it: {@code --read-only} alone,
   * {@code --read-only true|false} and {@code --no-read-only}. A switch never swallows the next
   * argument unless it is {@code true} or {@code false}.
   */
  static List<String> switches(Command command, Map<String, String> keysByFlag,
      List<String> args) {
    Set<String> switches = new TreeSet<>(Set.of("--strict"));
    if (command == Command.GC) {
      switches.add("--dry-run");
    }
    keysByFlag.forEach((flag, key) -> {
      if (Settings.key(key).map(SettingKey::isBoolean).orElse(false)) {
        switches.add(flag);
      }
    });
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--")) {
        out.addAll(args.subList(i, args.size()));
        break;
      }
      if (switches.contains(a)) {
        String next = i + 1 < args.size() ? args.get(i + 1).toLowerCase(Locale.ROOT) : "";
        if (next.equals("true") || next.equals("false")) {
          out.add(a + "=" + next);
          i++;
        } else {
          out.add(a + "=true");
        }
      } else if (a.startsWith("--no-") && switches.contains("--" + a.substring(5))) {
        out.add("--" + a.substring(5) + "=false");
      } else {
        out.add(a);
      }
    }
    return out;
  }

  private static UsageException unmatched(Command command, UnmatchedArgumentException e) {
    String first = e.getUnmatched().isEmpty() ? "?" : e.getUnmatched().get(0);
    if (!first.startsWith("-")) {
      return new UsageException("unexpected argument '" + first + "'");
    }
    String flag = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
    String bare = flag.startsWith("--no-") ? "--" + flag.substring(5) : flag;
    if (bare.equals("--dry-run")) {
      return new UsageException(command.word() + " does not take --dry-run (a flag of gc)");
    }
    for (Command other : Command.values()) {
      if (other != command && flags(other).containsKey(bare)) {
        return new UsageException(command.word() + " does not take " + flag + " (a flag of "
            + other.word() + ")");
      }
    }
    List<String> suggestions = e.getSuggestions();
    return new UsageException("unknown flag " + flag + (suggestions.isEmpty() ? ""
        : "; did you mean " + String.join(" or ", suggestions) + "?"));
  }
}
