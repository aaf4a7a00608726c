package dev.berth.registry;

import com.google.common.util.concurrent.Striped;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.upstream.CachePolicy;
import dev.berth.registry.upstream.Upstream;
import dev.berth.registry.upstream.UpstreamUnavailableException;
import java.time.Clock;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * What the manifest, blob and referrers parts of a pull-through cache share: the upstream, the
 * push rule, the cached tags' records and their locks, the counters, and how an upstream that
 * cannot answer becomes an error (docs/design/proxy.md).
 */
final class ProxyCache {
  final Upstream upstream;
  final Storage storage;
  final Clock clock;
  final CachedTags cachedTags;
  final PullTimes pulls;
  final ProxyCounters counters = new ProxyCounters();
  private final boolean acceptsAllPushes;
  /** Orders a revalidation's compare-and-set of a tag against a push of the same tag. */
  private final Striped<Lock> tagLocks = Striped.lock(256);
  /** Set once by {@link #wire}. */
  ProxyBlobs blobs;
  ProxyReferrers referrers;
  ProxyEviction eviction;

  private ProxyCache(Upstream upstream, boolean acceptsAllPushes, Storage storage, Clock clock) {
    this.upstream = upstream;
    this.acceptsAllPushes = acceptsAllPushes;
    this.storage = storage;
    this.cachedTags = new CachedTags(storage);
    this.pulls = new PullTimes(storage);
    this.clock = clock;
  }

  /** Makes the registry's services consult {@code upstream} on a miss, under {@code policy}. */
  static ProxyCache wire(Upstream upstream, CachePolicy policy, Storage storage, Clock clock,
      BlobKeeper keeper, DefaultBlobStore blobs, DefaultManifestService manifests,
      DefaultTagStore tags, ReferrersIndex index, RepositoryCatalog catalog, int pageSize) {
    ProxyCache cache = new ProxyCache(upstream, policy.acceptsAllPushes(), storage, clock);
    cache.blobs = new ProxyBlobs(cache, storage, keeper);
    blobs.useProxy(cache.blobs);
    manifests.useProxy(cache, tags);
    cache.referrers = new ProxyReferrers(cache, storage, index, pageSize);
    cache.eviction = new ProxyEviction(cache, policy, catalog, manifests, cache.pulls);
    return cache;
  }

  boolean covers(RepositoryName repository) {
    return upstream.covers(repository);
  }

  /**
   * Refuses a push to a covered repository unless it is a manifest with a subject (a signature,
   * an SBOM: it stays local, beside the cached image) or pushes are allowed. Asked before
   * anything is written.
   */
  void checkPush(RepositoryName repository, ParsedManifest manifest) {
    if (!acceptsAllPushes && manifest.subject() == null) {
      throw new RegistryException(ErrorCode.UNSUPPORTED, "repository " + repository
          + " is a pull-through cache: only manifests with a subject (signatures, SBOMs,"
          + " attestations) may be pushed to it; push " + manifest.digest() + " upstream");
    }
  }

  /** Runs {@code action} holding the lock of one tag of one repository. */
  <T> T withTagLock(RepositoryName repository, Tag tag, Supplier<T> action) {
    Lock lock = tagLocks.get(repository + ":" + tag.value());
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  /** The 503 a miss answers when the upstream cannot tell whether it has the content. */
  RegistryException unavailable(String what, UpstreamUnavailableException e) {
    counters.unavailable(false);
    return new RegistryException(ErrorCode.UNAVAILABLE, what + " is not cached and the upstream"
        + " could not be asked: " + e.getMessage());
  }
}
