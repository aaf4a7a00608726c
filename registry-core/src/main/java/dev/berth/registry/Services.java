package dev.berth.registry;

import dev.berth.registry.metrics.MeasuredStorage;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.referrers.InMemoryReferrersIndex;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.referrers.ReferrersPage;
import dev.berth.registry.referrers.StorageReferrersIndex;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import java.time.Clock;

/**
 * The services of one {@link Registry}, wired over its storage as its builder says: which view of
 * the storage, which fence, intents and caches each service shares is decided here once, so that
 * the facade stays a list of operations.
 *
 * @param served the storage as the services use it: timed for the metrics
 * @param measuredUploads {@code uploads} as callers see it, counted for the metrics
 * @param proxy the pull-through cache, or null (docs/design/proxy.md)
 */
record Services(Storage served, ReferrersIndex referrersIndex, DigestThreads digesters,
    DefaultBlobStore blobs, DefaultUploadService uploads, UploadService measuredUploads,
    DefaultManifestService manifests, DefaultTagStore tags, RepositoryCatalog catalog,
    ProxyCache proxy, Upkeep upkeep) {

  /** The services over {@code given}, the builder's storage (made, if the builder makes it). */
  static Services wire(Storage given, Registry.Builder b) {
    Clock clock = b.clock;
    RegistryOptions options = b.options;
    Storage storage = MeasuredStorage.of(given, b.metrics);
    // Whether the storage is the heap is asked of the given one, not of its timed view.
    ReferrersIndex referrersIndex = b.referrersIndex != null ? b.referrersIndex
        : given instanceof InMemoryStorage ? new InMemoryReferrersIndex()
        : new StorageReferrersIndex(storage, b.referrersCacheBytes, b.metrics);
    WriteFence fence = new WriteFence(clock, b.metrics);
    SweepIntents intents = new SweepIntents(storage, clock);
    DigestThreads digesters = new DigestThreads();
    BlobKeeper keeper = new BlobKeeper(storage, fence, intents);
    Repositories repositories = new Repositories(storage);
    PendingChanges pending = new PendingChanges(storage);
    RepositoryCatalog catalog = new RepositoryCatalog(storage);
    DefaultBlobStore blobs = new DefaultBlobStore(storage, repositories, options.deletesEnabled(),
        keeper, clock);
    DefaultUploadService uploads = new DefaultUploadService(storage, fence, keeper, clock,
        digesters, catalog);
    DefaultTagStore tags = new DefaultTagStore(storage, repositories, pending, b.tagCacheBytes,
        clock);
    DefaultManifestService manifests = new DefaultManifestService(storage, tags, fence, keeper,
        referrersIndex, pending, repositories, options, b.manifestCacheBytes);
    ProxyCache proxy = b.upstream == null ? null : ProxyCache.wire(b.upstream, b.cachePolicy,
        storage, clock, keeper, blobs, manifests, tags, referrersIndex, catalog,
        options.maxPageSize());
    Recovery recovery = new Recovery(storage, pending, tags, manifests, referrersIndex);
    Upkeep upkeep = new Upkeep(storage, referrersIndex, catalog, manifests, uploads, pending,
        recovery, fence, intents, clock, options, b.metrics);
    return new Services(storage, referrersIndex, digesters, blobs, uploads,
        MeasuredUploads.of(uploads, b.metrics), manifests, tags, catalog, proxy, upkeep);
  }

  /** A page of referrers: the pull-through cache's for repositories it covers, else the index's. */
  ReferrersPage referrers(RepositoryName repository, Digest subject, String artifactType,
      Digest after, int limit) {
    if (proxy != null && proxy.covers(repository)) {
      return proxy.referrers.list(repository, subject, artifactType, after, limit);
    }
    return referrersIndex.list(repository, subject, artifactType, after, limit);
  }

  /** Stops the digest threads and the cache's fetch commits; the storage is the registry's. */
  void close() {
    digesters.shutdown();
    blobs.close();
    if (proxy != null) {
      proxy.blobs.close();
      proxy.pulls.flush();
    }
  }
}
