package dev.berth.registry.referrers;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import java.util.function.BiConsumer;

/**
 * Which manifests of a repository name which subject, with the descriptor fields a referrers
 * listing shows, so that a page is answered without reading any manifest.
 *
 * <p>Order: ascending by referrer digest (algorithm, then encoded value). Paging is keyset-based on
 * that order, so a walk that continues after digest {@code d} sees every entry greater than
 * {@code d} that exists at that moment: entries present for a whole walk appear exactly once.
 *
 * <p>The index is derived data: {@code Registry.reindex()} rebuilds it from the manifests.
 */
public interface ReferrersIndex {

  /** Records that {@code referrer} names {@code subject}; replaces an entry for the same digest. */
  void add(RepositoryName repository, Digest subject, Descriptor referrer);

  /** Records several referrers of one subject (a rebuild); the same as adding them one by one. */
  default void addAll(RepositoryName repository, Digest subject,
      java.util.Collection<Descriptor> referrers) {
    referrers.forEach(r -> add(repository, subject, r));
  }

  /** Forgets one entry; nothing happens when there is none. */
  void remove(RepositoryName repository, Digest subject, Digest referrer);

  /**
   * One page of a subject's referrers.
   *
   * @param artifactType only entries of this artifact type, or null for all
   * @param after the last digest of the previous page, or null for the first page
   * @param limit the most entries to return (at least 1)
   */
  ReferrersPage list(RepositoryName repository, Digest subject, String artifactType, Digest after,
      int limit);

  /**
   * Visits every entry of a repository as (subject, referrer digest), subjects in no particular
   * order. Entries whose stored descriptor is unreadable are visited too (a rebuild replaces them).
   */
  void forEach(RepositoryName repository, BiConsumer<Digest, Digest> visitor);

  /** Forgets every entry of a repository. */
  void clear(RepositoryName repository);

  /**
   * What the index holds in memory, for metrics: subjects loaded, their entries, and about how
   * many bytes of heap they take. An index without a cache reports zeros.
   */
  default Stats stats() {
    return new Stats(0, 0, 0);
  }

  /** What an index holds in memory (see {@link #stats()}). */
  record Stats(long subjects, long entries, long bytes) {}

  /** Whether the index outlives the process (kept in storage), so a start need not rebuild it. */
  default boolean persistent() {
    return false;
  }
}
