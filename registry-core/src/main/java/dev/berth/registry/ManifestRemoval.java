package dev.berth.registry;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.referrers.ReferrersPage;
import dev.berth.registry.storage.Storage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Removes a manifest from a repository in the order that leaves readers a "before" or an "after"
 * at every step: first the tags that name it, then its referrers-index entry, then its revision.
 * Until the revision goes, the manifest is there, so a DELETE retried after a crash finds it and
 * finishes; a manifest with a subject is recorded as a {@link PendingChanges pending change}, so
 * that the next start puts its index entry back in line with its revision.
 */
final class ManifestRemoval {
  private final Storage storage;
  private final DefaultTagStore tags;
  private final ReferrersIndex referrers;
  private final PendingChanges pending;
  private final BlobKeeper keeper;

  ManifestRemoval(Storage storage, DefaultTagStore tags, ReferrersIndex referrers,
      PendingChanges pending, BlobKeeper keeper) {
    this.storage = storage;
    this.tags = tags;
    this.referrers = referrers;
    this.pending = pending;
    this.keeper = keeper;
  }

  /**
   * Tags, then the index entry, then the revision. The caller holds the repository's lock; the
   * revision goes under the manifest digest's exclusive lock, which excludes a check's or a
   * pull's touch of the revision link in this process (on S3 a copy of the link onto itself,
   * which would put back a link removed while it copied), as a blob DELETE does for a layer link.
   */
  void remove(RepositoryName repository, Digest digest, ParsedManifest parsed) {
    Digest subject = parsed == null || parsed.subject() == null ? null : parsed.subject().digest();
    String change = subject == null ? null : pending.beginManifest(repository, digest);
    tags.removeAll(repository, digest);
    keeper.exclusively(digest, () -> {
      removeRevision(repository, digest, subject);
      return null;
    });
    if (change != null) {
      pending.end(change);
    }
  }

  /**
   * The index entry, then the revision: for a manifest no tag names (garbage collection sweeps
   * only those, under the digest's exclusive lock). The caller records the pending change when
   * the manifest has a subject.
   */
  void removeRevision(RepositoryName repository, Digest digest, Digest subject) {
    if (subject != null) {
      referrers.remove(repository, subject, digest);
    }
    storage.delete(StoragePaths.revisionDirectory(repository, digest));
    Removals.removed(storage, repository);
  }

  /**
   * The untagged referrers of a deleted subject, and theirs, recursively, as
   * {@link ReferrerLifetime} says; in the order to delete them (parents before children).
   */
  List<Digest> orphans(RepositoryName repository, Digest subject) {
    Set<Digest> tagged = new HashSet<>(tags.tags(repository).values());
    List<Digest> orphans = new ArrayList<>();
    Set<Digest> seen = new HashSet<>();
    List<Digest> frontier = List.of(subject);
    seen.add(subject);
    while (!frontier.isEmpty()) {
      List<Digest> next = new ArrayList<>();
      for (Digest s : frontier) {
        for (Digest child : ReferrerLifetime.dieWithSubject(referrersOf(repository, s), tagged)) {
          if (seen.add(child)) {
            orphans.add(child);
            next.add(child);
          }
        }
      }
      frontier = next;
    }
    return orphans;
  }

  private List<Digest> referrersOf(RepositoryName repository, Digest subject) {
    List<Digest> children = new ArrayList<>();
    Digest after = null;
    do {
      ReferrersPage page = referrers.list(repository, subject, null, after, 1000);
      page.referrers().forEach(d -> children.add(d.digest()));
      after = page.next().orElse(null);
    } while (after != null);
    return children;
  }
}
