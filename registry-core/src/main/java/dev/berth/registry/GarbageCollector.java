package dev.berth.registry;

import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.manifest.ManifestParser;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.layout.DigestFolders;
import dev.berth.registry.layout.StoragePaths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;

/**
 * Mark and sweep over the registry:2 layout, online, aware of reference types (docs/design/gc.md).
 *
 * <p>Per repository: the roots are tagged manifests, untagged manifests that are not referrers
 * (unless {@code deleteUntagged}), and anything written within the grace period. Marking follows
 * index children, and from every kept manifest to its referrers, so a referrer lives while its
 * subject lives or while it is tagged itself. Unmarked manifests are swept (revision link, tag index
 * entries, referrers-index entry). Then every blob that no kept manifest of any repository names,
 * and that is older than the grace period, is deleted with the repository links to it.
 *
 * <p>With several instances on one storage: a lease ({@link GcLease}) lets one collection run at a
 * time, and each deletion is announced ({@link SweepIntents}) before its last age check, so that a
 * write on another instance either is seen by that check or sees the deletion.
 */
final class GarbageCollector {

  /** Below this many blobs to delete, one thread sweeps. */
  private static final int PARALLEL_SWEEP_MIN = 64;
  private static final int SWEEP_THREADS = 4;

  private final Storage storage;
  private final ReferrersIndex referrers;
  private final RepositoryCatalog catalog;
  private final DefaultManifestService manifests;
  private final DefaultUploadService uploads;
  private final PendingChanges pending;
  private final WriteFence fence;
  private final SweepIntents intents;
  private final Clock clock;
  private final RegistryOptions registryOptions;

  GarbageCollector(Storage storage, ReferrersIndex referrers, RepositoryCatalog catalog,
      DefaultManifestService manifests, DefaultUploadService uploads, PendingChanges pending,
      WriteFence fence, SweepIntents intents, Clock clock, RegistryOptions registryOptions) {
    this.storage = storage;
    this.referrers = referrers;
    this.catalog = catalog;
    this.manifests = manifests;
    this.uploads = uploads;
    this.pending = pending;
    this.fence = fence;
    this.intents = intents;
    this.clock = clock;
    this.registryOptions = registryOptions;
  }

  private static final class Run {
    final GcOptions options;
    final Instant cutoff;
    /** The lease, or null in a dry run (which deletes nothing). */
    final GcLease lease;
    final Set<Digest> keptBlobs = new HashSet<>();
    final Map<Digest, List<RepositoryName>> layerLinks = new HashMap<>();
    final List<String> manifestsRemoved = new ArrayList<>();
    final List<String> blobsRemoved = new ArrayList<>();
    long bytesFreed;
    int repositories;
    int manifestsScanned;
    int blobsScanned;
    int entriesRemoved;
    int uploadsRemoved;

    Run(GcOptions options, Instant cutoff, GcLease lease) {
      this.options = options;
      this.cutoff = cutoff;
      this.lease = lease;
    }

    boolean recent(Instant modified) {
      return !modified.isBefore(cutoff);
    }

    /** Renews the lease when due; stops the collection when another took it over. */
    void check() {
      if (Thread.currentThread().isInterrupted()) {
        // The registry is closing (Maintenance.close() interrupts its thread): stop between
        // steps, so that the lease is given back while the storage is still open.
        throw new IllegalStateException("garbage collection stopped: its thread was interrupted"
            + " (the registry is closing)");
      }
      if (lease != null) {
        lease.check();
      }
    }
  }

  /** Runs a collection and tells {@code metrics} how it ended. */
  GcReport run(GcOptions options, RegistryMetrics metrics) {
    GcReport report;
    try {
      report = run(options);
    } catch (RuntimeException e) {
      metrics.gcFailed();
      throw e;
    }
    metrics.gcCompleted(report);
    return report;
  }

  public GcReport run(GcOptions options) {
    GcLease lease = options.dryRun() ? null : GcLease.acquire(storage, clock);
    try {
      if (lease != null) {
        intents.clearAll(); // what a collector that died left: no other collects now
      }
      Instant t0 = fence.beginCollection();
      Run run = new Run(options, t0.minus(options.gracePeriod()), lease);
      catalog.forEachFolder(repository -> collectRepository(run, repository));
      sweepBlobs(run);
      if (lease != null) {
        storage.discardAbandonedWrites(clock.instant().minus(registryOptions.uploadMaxAge()));
      }
      return new GcReport(options.dryRun(), run.repositories, run.manifestsScanned,
          run.blobsScanned, run.manifestsRemoved, run.blobsRemoved, run.bytesFreed,
          run.entriesRemoved, run.uploadsRemoved, Duration.between(t0, clock.instant()));
    } finally {
      if (lease != null) {
        // An interrupted thread's file writes fail (ClosedByInterruptException): give the
        // lease back with the flag cleared, then set it again.
        boolean interrupted = Thread.interrupted();
        try {
          lease.close();
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }
  }

  private void collectRepository(Run run, RepositoryName repository) {
    run.check();
    run.repositories++;
    Map<Digest, Instant> revisions = revisions(repository);
    run.manifestsScanned += revisions.size();
    Map<Tag, Digest> tags = manifests.tags(repository);
    Set<Digest> tagged = new HashSet<>(tags.values());

    Map<Digest, ParsedManifest> parsed = new HashMap<>();
    Map<Digest, Set<Digest>> opaque = new HashMap<>();
    Map<Digest, List<Digest>> referrersOf = new HashMap<>();
    for (Digest digest : revisions.keySet()) {
      Optional<ParsedManifest> m = manifests.parse(digest);
      if (m.isPresent()) {
        parsed.put(digest, m.get());
        if (m.get().subject() != null) {
          referrersOf.computeIfAbsent(m.get().subject().digest(), s -> new ArrayList<>()).add(digest);
        }
      } else {
        opaque.put(digest, readAllDigests(digest));
      }
    }

    ArrayDeque<Digest> toMark = new ArrayDeque<>();
    for (Map.Entry<Digest, Instant> revision : revisions.entrySet()) {
      Digest digest = revision.getKey();
      ParsedManifest m = parsed.get(digest);
      boolean referrer = m != null && m.subject() != null;
      if (run.recent(revision.getValue()) || ReferrerLifetime.isRoot(tagged.contains(digest),
          referrer, run.options.deleteUntagged())) {
        toMark.add(digest);
      }
    }
    Set<Digest> kept = new HashSet<>();
    while (!toMark.isEmpty()) {
      Digest digest = toMark.poll();
      if (!revisions.containsKey(digest) || !kept.add(digest)) {
        continue;
      }
      run.keptBlobs.add(digest);
      ParsedManifest m = parsed.get(digest);
      if (m != null) {
        m.referencedBlobs().forEach(d -> run.keptBlobs.add(d.digest()));
        m.manifests().forEach(d -> toMark.add(d.digest()));
      } else {
        Set<Digest> named = opaque.getOrDefault(digest, Set.of());
        run.keptBlobs.addAll(named);
        toMark.addAll(named);
      }
      // A kept manifest keeps its referrers (ReferrerLifetime): they live while it lives.
      toMark.addAll(referrersOf.getOrDefault(digest, List.of()));
    }

    for (Digest digest : revisions.keySet()) {
      if (!kept.contains(digest)) {
        sweepManifest(run, repository, digest, parsed.get(digest), tags);
      }
    }
    cleanReferrersIndex(run, repository, revisions.keySet());
    recordLayerLinks(run, repository);
    purgeUploads(run, repository);
  }

  /**
   * Removes an unmarked manifest, re-checking its age under its lock (a push may have named it
   * since the mark). Its index entry goes before its revision ({@link ManifestRemoval}).
   */
  private void sweepManifest(Run run, RepositoryName repository, Digest digest, ParsedManifest m,
      Map<Tag, Digest> tags) {
    run.check();
    String link = StoragePaths.revisionLink(repository, digest);
    Digest subject = m == null || m.subject() == null ? null : m.subject().digest();
    String change = null;
    Lock lock = fence.exclusiveLockFor(digest);
    lock.lock();
    SweepIntents.Announcement announced = null;
    try {
      announced = announce(run, digest);
      Optional<StorageEntry> now = storage.stat(link);
      if (now.isEmpty() || run.recent(now.get().modified())) {
        // Deleted meanwhile, or pushed again (or named by a new index) since the mark: it stays.
        if (now.isPresent()) {
          run.keptBlobs.add(digest);
          if (m != null) {
            m.referencedBlobs().forEach(d -> run.keptBlobs.add(d.digest()));
          }
        }
        return;
      }
      if (announced != null && !announced.stillValid()) {
        return; // stalled past the announcement's validity: left for the next collection
      }
      run.manifestsRemoved.add(repository + "@" + digest);
      run.options.listener().manifestRemoved(repository, digest);
      if (run.options.dryRun()) {
        return;
      }
      change = subject == null ? null : pending.beginManifest(repository, digest);
      manifests.removal().removeRevision(repository, digest, subject);
    } finally {
      withdrawAndUnlock(announced, lock);
    }
    for (Tag tag : tags.keySet()) {
      storage.delete(StoragePaths.tagIndexEntry(repository, tag, digest));
    }
    if (change != null) {
      run.entriesRemoved++;
      pending.end(change);
    }
  }

  /** Removes index entries whose referrer is no longer a manifest of the repository. */
  private void cleanReferrersIndex(Run run, RepositoryName repository, Set<Digest> revisions) {
    record Stale(Digest subject, Digest referrer) {}
    List<Stale> stale = new ArrayList<>();
    referrers.forEach(repository, (subject, d) -> {
      if (!revisions.contains(d)
          && storage.stat(StoragePaths.revisionLink(repository, d)).isEmpty()) {
        stale.add(new Stale(subject, d));
      }
    });
    for (Stale s : stale) {
      if (!run.options.dryRun()) {
        referrers.remove(repository, s.subject(), s.referrer());
      }
      run.entriesRemoved++;
    }
  }

  private void recordLayerLinks(Run run, RepositoryName repository) {
    DigestFolders.forEach(storage, StoragePaths.layersDirectory(repository), digest ->
        run.layerLinks.computeIfAbsent(digest, d -> new ArrayList<>()).add(repository));
  }

  private void purgeUploads(Run run, RepositoryName repository) {
    run.uploadsRemoved += uploads.purgeExpired(repository,
        clock.instant().minus(registryOptions.uploadMaxAge()),
        id -> run.options.listener().uploadRemoved(repository, id), run.options.dryRun());
  }

  /**
   * Enumerates {@code blobs/<alg>/<hh>/<hex>} by listing the folders, so that a blob some kept
   * manifest names costs nothing beyond its name; only the others are stat'ed for their age.
   */
  private void sweepBlobs(Run run) {
    List<Digest> candidates = new ArrayList<>();
    DigestFolders.forEachBlob(storage, digest -> {
      run.blobsScanned++;
      if (run.keptBlobs.contains(digest)) {
        return;
      }
      Optional<StorageEntry> data = storage.stat(StoragePaths.blobData(digest));
      if (data.isPresent() && !run.recent(data.get().modified())) {
        candidates.add(digest);
      }
    });
    if (run.options.dryRun() || candidates.size() < PARALLEL_SWEEP_MIN) {
      candidates.forEach(digest -> sweepBlob(run, digest));
    } else {
      int threads = Math.min(SWEEP_THREADS, candidates.size() / (PARALLEL_SWEEP_MIN / 2));
      SweepThreads.forEach(candidates, threads, digest -> sweepBlob(run, digest));
    }
    run.blobsRemoved.sort(null);
  }

  /**
   * Deletes a blob with its links unless its bytes or one of the links the walk found was touched
   * since the cut-off (a check or a manifest touches the link, an upload or a mount the bytes).
   * A link made after the walk came with a touch of the bytes, which this sees.
   */
  private void sweepBlob(Run run, Digest digest) {
    run.check();
    String path = StoragePaths.blobData(digest);
    List<RepositoryName> linkedFrom = run.layerLinks.getOrDefault(digest, List.of());
    Lock lock = fence.exclusiveLockFor(digest);
    lock.lock();
    SweepIntents.Announcement announced = null;
    try {
      announced = announce(run, digest);
      Optional<StorageEntry> now = storage.stat(path);
      if (now.isEmpty() || run.recent(now.get().modified()) || linkedFrom.stream().anyMatch(
          r -> storage.stat(StoragePaths.layerLink(r, digest)).map(StorageEntry::modified)
              .filter(run::recent).isPresent())) {
        return;
      }
      if (announced != null && !announced.stillValid()) {
        return; // stalled past the announcement's validity: left for the next collection
      }
      synchronized (run) {
        run.blobsRemoved.add(digest.toString());
        run.bytesFreed += now.get().size();
        run.options.listener().blobRemoved(digest, now.get().size());
      }
      if (run.options.dryRun()) {
        return;
      }
      // The objects themselves: their folders go with them (a storage keeps no empty folder).
      storage.delete(path);
      for (RepositoryName repository : linkedFrom) {
        storage.delete(StoragePaths.layerLink(repository, digest));
      }
    } finally {
      withdrawAndUnlock(announced, lock);
    }
  }

  /**
   * Tells writers on other instances that {@code digest} may be deleted now, before the last look
   * at its age ({@link SweepIntents}); nothing in a dry run.
   */
  private SweepIntents.Announcement announce(Run run, Digest digest) {
    return run.lease == null ? null : intents.announce(digest, run.lease.owner());
  }

  private void withdrawAndUnlock(SweepIntents.Announcement announced, Lock lock) {
    try {
      if (announced != null) {
        intents.withdraw(announced);
      }
    } finally {
      lock.unlock();
    }
  }

  private Map<Digest, Instant> revisions(RepositoryName repository) {
    Map<Digest, Instant> result = new HashMap<>();
    DigestFolders.forEach(storage, StoragePaths.revisionsDirectory(repository), digest ->
        storage.stat(StoragePaths.revisionLink(repository, digest))
            .ifPresent(e -> result.put(digest, e.modified())));
    return result;
  }

  private Set<Digest> readAllDigests(Digest digest) {
    try {
      return ManifestParser.allDigests(storage.read(StoragePaths.blobData(digest)));
    } catch (ObjectNotFoundException e) {
      return Set.of();
    }
  }
}
