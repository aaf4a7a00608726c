package dev.berth.launcher;

import dev.berth.registry.servlet.config.SettingKey;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The launcher's commands and the settings each one reads. {@code gc} and {@code reindex} read the
 * same configuration file, environment and flags as {@code serve}, but only the keys that apply to
 * them: a flag of another key is refused, a file's or environment's other keys are left alone (the
 * file is {@code serve}'s too).
 */
enum Command {
  SERVE("serve", "serve the registry (the default command)", k -> true, Map.of()),
  GC("gc", "collect garbage, then exit", k -> storage(k) || Set.of("uploads.maxAge",
      "gc.gracePeriod", "gc.deleteUntagged", "log.level").contains(k.name()),
      Map.of("--grace-period", "gc.gracePeriod", "--delete-untagged", "gc.deleteUntagged")),
  REINDEX("reindex", "rebuild the referrers index, then exit",
      k -> storage(k) || k.name().equals("log.level"), Map.of());

  private final String word;
  private final String summary;
  private final Predicate<SettingKey> applies;
  private final Map<String, String> aliases;

  Command(String word, String summary, Predicate<SettingKey> applies,
      Map<String, String> aliases) {
    this.word = word;
    this.summary = summary;
    this.applies = applies;
    this.aliases = aliases;
  }

  /** The word on the command line. */
  String word() {
    return word;
  }

  String summary() {
    return summary;
  }

  /** Whether the command reads this (implemented) setting. */
  boolean applies(SettingKey key) {
    return !key.isPending() && applies.test(key);
  }

  /** Extra flags of this command that stand for a setting ({@code --grace-period}). */
  Map<String, String> aliases() {
    return aliases;
  }

  /** The storage settings; read-only mode is a serving mode, so not among them. */
  private static boolean storage(SettingKey key) {
    return key.name().startsWith("storage.") && !key.name().equals("storage.readOnly");
  }

  static Command of(String word) {
    for (Command c : values()) {
      if (c.word.equals(word)) {
        return c;
      }
    }
    return null;
  }
}
