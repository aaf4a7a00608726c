package dev.berth.launcher;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.servlet.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

/**
 * What the settings ask of the system, checked before anything is created, indexed or bound: the
 * storage directory (there and usable, or creatable) and the TLS files (readable, a certificate
 * and its key). Each problem names the key, the value, its source and the system's reason.
 */
final class StartChecks {
  private StartChecks() {}

  /** The directory {@code serve} will use: a usable directory, or one that can be created. */
  static List<Settings.Problem> storageToServe(Settings settings) {
    List<Settings.Problem> problems = new ArrayList<>();
    String value = settings.get("storage.path");
    if (value.equals("memory") || settings.s3()) {
      // S3 is checked by connecting to it (StorageProviders.open), after the local checks.
      return problems;
    }
    Path dir = path(settings, value, problems);
    if (dir == null) {
      return problems;
    }
    if (Files.exists(dir)) {
      usable(settings, dir, problems);
      return problems;
    }
    Path existing = dir.getParent();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return problems;
    }
    if (!Files.isDirectory(existing)) {
      problems.add(settings.problem("storage.path", "cannot create it: " + existing
          + ": not a directory"));
    } else if (!Files.isWritable(existing) || !Files.isExecutable(existing)) {
      problems.add(settings.problem("storage.path", "cannot create it in " + existing
          + ": permission denied"));
    } else if (readOnlyStore(existing)) {
      problems.add(settings.problem("storage.path", "cannot create it in " + existing
          + ": read-only file system"));
    }
    return problems;
  }

  /**
   * The directory {@code gc} and {@code reindex} work on: it must exist and hold a registry
   * ({@code docker/registry/v2}); a mistyped path is not created.
   */
  static List<Settings.Problem> existingRegistry(Settings settings) {
    List<Settings.Problem> problems = new ArrayList<>();
    if (settings.s3()) {
      return new ArrayList<>();
    }
    String value = settings.get("storage.path");
    if (value.equals("memory")) {
      problems.add(settings.problem("storage.path", "this command needs --storage DIR, a"
          + " registry directory (a heap registry has nothing to maintain)"));
      return problems;
    }
    Path dir = path(settings, value, problems);
    if (dir == null) {
      return problems;
    }
    if (!Files.exists(dir)) {
      problems.add(settings.problem("storage.path", "no such directory"));
    } else if (usable(settings, dir, problems)
        && !Files.isDirectory(dir.resolve(StoragePaths.ROOT))) {
      problems.add(settings.problem("storage.path", "not a registry: no " + StoragePaths.ROOT
          + " under it"));
    }
    return problems;
  }

  /** The certificate and key, read and matched; null when HTTPS is off or they have problems. */
  static KeyStore tls(Settings settings, List<Settings.Problem> problems) {
    String certificate = settings.get("http.tls.certificate");
    String key = settings.get("http.tls.key");
    if (certificate.isBlank() || key.isBlank()) {
      return null;
    }
    byte[] certificatePem = read(settings, "http.tls.certificate", problems);
    byte[] keyPem = read(settings, "http.tls.key", problems);
    if (certificatePem == null || keyPem == null) {
      return null;
    }
    try {
      return PemKeyStore.of(certificatePem, keyPem);
    } catch (PemKeyStore.PemException e) {
      problems.add(settings.problem(e.certificate() ? "http.tls.certificate" : "http.tls.key",
          e.getMessage()));
      return null;
    }
  }

  private static byte[] read(Settings settings, String key, List<Settings.Problem> problems) {
    try {
      return Files.readAllBytes(Path.of(settings.get(key)));
    } catch (IOException | InvalidPathException e) {
      problems.add(settings.problem(key, "cannot read it: " + (e instanceof IOException io
          ? OsReasons.of(io) : e.getMessage())));
      return null;
    }
  }

  private static Path path(Settings settings, String value, List<Settings.Problem> problems) {
    try {
      return Path.of(value).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      problems.add(settings.problem("storage.path", "not a path: " + e.getReason()));
      return null;
    }
  }

  /** An existing path: a directory Berth may read, write and enter. */
  private static boolean usable(Settings settings, Path dir, List<Settings.Problem> problems) {
    if (!Files.isDirectory(dir)) {
      problems.add(settings.problem("storage.path", "not a directory"));
      return false;
    }
    if (!Files.isReadable(dir) || !Files.isWritable(dir) || !Files.isExecutable(dir)) {
      problems.add(settings.problem("storage.path", "permission denied"));
      return false;
    }
    if (readOnlyStore(dir)) {
      problems.add(settings.problem("storage.path", "read-only file system"));
      return false;
    }
    return true;
  }

  private static boolean readOnlyStore(Path dir) {
    try {
      return Files.getFileStore(dir).isReadOnly();
    } catch (IOException e) {
      return false;
    }
  }
}
