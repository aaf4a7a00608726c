package dev.berth.registry;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.storage.Storage;
import java.util.Map;
import java.util.Optional;

/**
 * Puts right what a crash (a kill -9, a power loss) left half done. At every start it finishes the
 * {@link PendingChanges} recorded in storage; {@code reindex} also checks every tag of every
 * repository. Each repair reads the primary data (revision and tag links) and makes the derived data
 * agree with it, so it is safe while another instance is writing: it never removes a manifest or a
 * tag that exists, and it checks again after each step.
 */
final class Recovery {
  /** A repair re-checks after acting; this many rounds settle any race with a live writer. */
  private static final int ROUNDS = 3;

  private final Storage storage;
  private final PendingChanges pending;
  private final DefaultTagStore tags;
  private final DefaultManifestService manifests;
  private final ReferrersIndex referrers;

  Recovery(Storage storage, PendingChanges pending, DefaultTagStore tags,
      DefaultManifestService manifests, ReferrersIndex referrers) {
    this.storage = storage;
    this.pending = pending;
    this.tags = tags;
    this.manifests = manifests;
    this.referrers = referrers;
  }

  /** Finishes every recorded change; returns how many there were. */
  int finishPending() {
    int finished = 0;
    for (PendingChanges.Change change : pending.list()) {
      if (change.manifest() != null) {
        reconcileReferrer(change.repository(), change.manifest());
      } else if (change.tag() != null) {
        tags.reconcile(change.repository(), change.tag());
      }
      pending.end(change.id());
      finished++;
    }
    return finished;
  }

  /**
   * Makes a manifest's referrers-index entry present exactly when its revision is. The bytes of a
   * deleted manifest stay until garbage collection, so its subject can still be read.
   */
  void reconcileReferrer(RepositoryName repository, Digest digest) {
    Optional<ParsedManifest> parsed = manifests.parse(digest);
    if (parsed.isEmpty() || parsed.get().subject() == null) {
      return;
    }
    Digest subject = parsed.get().subject().digest();
    boolean present = manifests.exists(repository, digest);
    for (int round = 0; round < ROUNDS; round++) {
      if (present) {
        referrers.add(repository, subject, parsed.get().asReferrer());
      } else {
        referrers.remove(repository, subject, digest);
      }
      boolean now = manifests.exists(repository, digest);
      if (now == present) {
        return;
      }
      present = now;
    }
  }

  /**
   * Removes the tags of a repository that cannot resolve: a folder without its current link, or a
   * link to a manifest the repository no longer has (what deletes before this version could leave).
   *
   * @return how many were removed
   */
  int repairTags(RepositoryName repository) {
    int removed = 0;
    for (String name : storage.list(StoragePaths.tagsDirectory(repository))) {
      if (!Tag.isValid(name)) {
        continue;
      }
      Tag tag = Tag.parse(name);
      Optional<Digest> target = tags.resolve(repository, tag);
      if (target.isEmpty()) {
        tags.reconcile(repository, tag);
        removed++;
      } else if (!manifests.exists(repository, target.get())) {
        tags.remove(repository, tag);
        removed++;
      }
    }
    return removed;
  }

  /** The tags of a repository that resolve. */
  Map<Tag, Digest> tags(RepositoryName repository) {
    return tags.tags(repository);
  }
}
