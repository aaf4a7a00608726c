package dev.berth.registry.storage;

import java.time.Clock;
import java.util.Map;

/**
 * A storage that lives in a module of its own ({@code registry-s3}), found through
 * {@link java.util.ServiceLoader} by whoever reads settings (the launcher, the servlet's
 * init params). The reader needs no compile-time dependency on that module, and a deployment
 * without it carries none of its libraries: the filesystem registry stays as small as it was.
 */
public interface StorageProvider {

  /**
   * The settings section this storage reads ({@code storage.s3}); its keys reach
   * {@link #open} without the section's prefix ({@code bucket}, {@code endpoint}).
   */
  String section();

  /**
   * Connects to the storage and checks that it answers.
   *
   * @param settings the section's values by key without the prefix; a key not set is absent
   * @param clock the registry's clock
   * @throws SettingException naming the key at fault and what the storage answered
   */
  Storage open(Map<String, String> settings, Clock clock);

  /** A value that cannot work: its key within the section, and why (in the store's words). */
  final class SettingException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String key;

    public SettingException(String key, String reason, Throwable cause) {
      super(reason, cause);
      this.key = key;
    }

    /** The key within the section ({@code bucket}). */
    public String key() {
      return key;
    }
  }
}
