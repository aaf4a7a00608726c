package dev.berth.registry;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A repository's removals generation ({@link StoragePaths#removals}): every removal of one of its
 * blob links or manifest revisions writes a fresh value after the removal and before it is
 * answered. A write that read the same value before it found a link, and again after a later
 * request began, knows that no removal answered in between took the link away (gc.md, "Settled
 * moments ago").
 */
final class Removals {
  /** The value of a repository that has none yet. */
  static final String NONE = "";

  private Removals() {}

  /** The repository's value now, as {@link Storage#fingerprint} tells it (a HEAD on S3). */
  static String current(Storage storage, RepositoryName repository) {
    return storage.fingerprint(StoragePaths.removals(repository)).orElse(NONE);
  }

  /** Call after a removal is in storage and before it is answered. */
  static void removed(Storage storage, RepositoryName repository) {
    storage.write(StoragePaths.removals(repository),
        (UUID.randomUUID() + " " + System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8),
        false);
  }
}
