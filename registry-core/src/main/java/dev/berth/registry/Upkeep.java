package dev.berth.registry;

import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.storage.Storage;
import java.time.Clock;
import java.util.Optional;

/**
 * The registry's own housekeeping over its storage, kept out of the {@link Registry} facade so
 * that the facade stays a list of operations: what a start puts right, reindexing, garbage
 * collection and the purge of expired upload sessions.
 */
final class Upkeep {
  private final Storage storage;
  private final ReferrersIndex referrersIndex;
  private final RepositoryCatalog catalog;
  private final DefaultManifestService manifests;
  private final DefaultUploadService uploads;
  private final PendingChanges pending;
  private final Recovery recovery;
  private final WriteFence fence;
  private final SweepIntents intents;
  private final Clock clock;
  private final RegistryOptions options;
  private final RegistryMetrics metrics;

  Upkeep(Storage storage, ReferrersIndex referrersIndex, RepositoryCatalog catalog,
      DefaultManifestService manifests, DefaultUploadService uploads, PendingChanges pending,
      Recovery recovery, WriteFence fence, SweepIntents intents, Clock clock,
      RegistryOptions options, RegistryMetrics metrics) {
    this.storage = storage;
    this.referrersIndex = referrersIndex;
    this.catalog = catalog;
    this.manifests = manifests;
    this.uploads = uploads;
    this.pending = pending;
    this.recovery = recovery;
    this.fence = fence;
    this.intents = intents;
    this.clock = clock;
    this.options = options;
    this.metrics = metrics;
  }

  /**
   * What a start does over existing data, before the registry serves: finishes the changes a crash
   * left half done, builds the referrers index when it is not built over this storage yet (data
   * written by registry:2, or an index kept in memory), and removes expired upload sessions
   * (unless {@code purge} is off: read-only, or purging disabled).
   */
  StartReport recover(boolean purge) {
    int finished = recovery.finishPending();
    ReindexReport reindexed = null;
    if (!referrersIndex.persistent() || !Reindexer.isMarked(storage)
        || storage.lostUnflushedWrites()) {
      reindexed = reindex();
    }
    return new StartReport(finished, Optional.ofNullable(reindexed),
        purge ? purgeUploads(false) : 0);
  }

  /** {@link Registry#reindex()}. */
  ReindexReport reindex() {
    return new Reindexer(storage, referrersIndex, catalog, manifests, recovery, clock).run();
  }

  /** {@link Registry#collectGarbage}. */
  GcReport collectGarbage(GcOptions gcOptions) {
    return new GarbageCollector(storage, referrersIndex, catalog, manifests, uploads, pending,
        fence, intents, clock, options).run(gcOptions, metrics);
  }

  /** Deletes (or with {@code dryRun} counts) upload sessions older than the options allow. */
  int purgeUploads(boolean dryRun) {
    return uploads.purgeAll(catalog, clock.instant().minus(options.uploadMaxAge()), dryRun);
  }

  /** {@code 1/divisor} of the maximum heap, between 2 MiB and {@code maxMiB}. */
  static long heapShare(int divisor, long maxMiB) {
    long share = Runtime.getRuntime().maxMemory() / divisor;
    return Math.max(2L << 20, Math.min(maxMiB << 20, share));
  }
}
