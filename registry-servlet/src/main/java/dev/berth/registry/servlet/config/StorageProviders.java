package dev.berth.registry.servlet.config;

import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageProvider;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Opens a storage of another module ({@code registry-s3}) from its settings section, found with
 * {@link ServiceLoader}: registry-servlet and the launcher compile without the AWS SDK, and a
 * WAR or an embedding without registry-s3 on its class path carries none of it.
 */
public final class StorageProviders {
  private StorageProviders() {}

  /** A start-up failure of the storage: the setting it names and the store's answer. */
  public static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Settings.Problem problem;

    Failure(Settings.Problem problem, Throwable cause) {
      super(problem.toString(), cause);
      this.problem = problem;
    }

    public Settings.Problem problem() {
      return problem;
    }
  }

  /**
   * The S3 storage the settings describe, connected and checked (bucket there, credentials
   * accepted, conditional writes probed).
   *
   * @throws Failure naming the key and what the store answered
   */
  public static Storage open(Settings settings) {
    String section = "storage.s3";
    StorageProvider provider = ServiceLoader.load(StorageProvider.class,
            StorageProviders.class.getClassLoader()).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.section().equals(section)).findFirst()
        .orElseThrow(() -> new Failure(settings.problem(section + ".bucket",
            "S3 storage needs registry-s3 (dev.berth:registry-s3) on the class path"), null));
    Map<String, String> values = new LinkedHashMap<>();
    for (SettingKey k : Settings.KEYS) {
      if (k.name().startsWith(section + ".")) {
        values.put(k.name().substring(section.length() + 1), settings.get(k.name()));
      }
    }
    try {
      return provider.open(values, Clock.systemUTC());
    } catch (StorageProvider.SettingException e) {
      throw new Failure(settings.problem(section + "." + e.key(), e.getMessage()), e);
    }
  }
}
