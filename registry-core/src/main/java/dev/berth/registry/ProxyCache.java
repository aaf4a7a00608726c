package dev.berth.registry;

import com.google.common.util.concurrent.Striped;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
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
  final Clock clock;
  final CachedTags cachedTags;
  final ProxyCounters counters = new ProxyCounters();
  private final boolean acceptsAllPushes;
  /** Orders a revalidation's compare-and-set of a tag against a push of the same tag. */
  private final Striped<Lock> tagLocks = Striped.lock(256);

  ProxyCache(Upstream upstream, boolean acceptsAllPushes, CachedTags cachedTags, Clock clock) {
    this.upstream = upstream;
    this.acceptsAllPushes = acceptsAllPushes;
    this.cachedTags = cachedTags;
    this.clock = clock;
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
    counters.unavailable.increment();
    return new RegistryException(ErrorCode.UNAVAILABLE, what + " is not cached and the upstream"
        + " could not be asked: " + e.getMessage());
  }
}
