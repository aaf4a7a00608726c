package dev.berth.registry;

import dev.berth.registry.CachedTags.Cached;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.Reference;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.upstream.UpstreamManifest;
import dev.berth.registry.upstream.ProxyStats.Kind;
import dev.berth.registry.upstream.UpstreamUnavailableException;
import java.time.Instant;
import java.util.Optional;

/**
 * Manifest reads of covered repositories. By digest: stored, or fetched once and kept (content
 * is immutable). By tag: a cached tag is served as it is until its TTL has passed, then checked
 * with one upstream {@code HEAD} and moved if the upstream's digest differs; a tag without a
 * fetched-at record is local and served as it is. When the upstream cannot answer, what is
 * cached is served; a miss then answers 503.
 */
final class ProxyManifests {
  private final ProxyCache cache;
  private final DefaultManifestService manifests;
  private final DefaultTagStore tags;
  private final Storage storage;

  ProxyManifests(ProxyCache cache, DefaultManifestService manifests, DefaultTagStore tags,
      Storage storage) {
    this.cache = cache;
    this.manifests = manifests;
    this.tags = tags;
    this.storage = storage;
  }

  ManifestContent get(RepositoryName repository, Reference reference) {
    if (reference instanceof Digest digest) {
      if (!manifests.exists(repository, digest)) {
        cache.counters.miss(Kind.MANIFEST);
        manifests.storeFetched(repository, digest, fetch(repository, digest), null);
      } else {
        cache.counters.hit(Kind.MANIFEST);
      }
      return manifests.getLocal(repository, digest);
    }
    Tag tag = (Tag) reference;
    Optional<Digest> current = tags.resolve(repository, tag);
    if (current.isEmpty()) {
      cache.counters.miss(Kind.MANIFEST);
      fetchTag(repository, tag);
    } else {
      Optional<Cached> record = cache.cachedTags.read(repository, tag)
          .filter(r -> r.digest().equals(current.get()));
      if (record.isPresent() && !fresh(repository, record.get())) {
        revalidate(repository, tag, current.get());
      } else {
        cache.counters.hit(Kind.MANIFEST);
      }
    }
    ManifestContent content = manifests.getLocal(repository, tag);
    cache.pulls.pulled(repository, tag.value(), cache.clock.instant());
    return content;
  }

  private boolean fresh(RepositoryName repository, Cached record) {
    return cache.clock.instant().isBefore(record.fetchedAt()
        .plus(cache.upstream.tagTtl(repository)));
  }

  /** A tag never seen here: resolved upstream, its manifest stored, the tag created. */
  private void fetchTag(RepositoryName repository, Tag tag) {
    Descriptor found;
    try {
      found = cache.upstream.resolve(repository, tag).orElseThrow(() -> unknown(repository, tag));
    } catch (UpstreamUnavailableException e) {
      throw cache.unavailable("manifest " + tag + " of " + repository, e);
    }
    Digest digest = found.digest();
    byte[] bytes = bytes(repository, digest);
    Instant now = cache.clock.instant();
    cache.withTagLock(repository, tag, () -> {
      // A push may have created the tag meanwhile: a local tag is never overwritten.
      if (tags.resolve(repository, tag).isEmpty()) {
        manifests.storeFetched(repository, digest, bytes, tag);
        cache.cachedTags.write(repository, tag, digest, now);
      }
      return null;
    });
  }

  /**
   * A cached tag past its TTL: one {@code HEAD}; the same digest renews the record, another one
   * stores that manifest and moves the tag, if the tag still names what the record says (a push
   * of the tag meanwhile made it local). An upstream that no longer has the tag renews the record
   * (the cached tag stays); one that cannot answer leaves the record's time as it was, so the
   * next request asks again.
   */
  private void revalidate(RepositoryName repository, Tag tag, Digest cached) {
    cache.counters.revalidated();
    Optional<Descriptor> upstream;
    try {
      upstream = cache.upstream.resolve(repository, tag);
    } catch (UpstreamUnavailableException e) {
      cache.counters.unavailable(true);
      return;
    }
    // A tag the upstream no longer has is served as cached and checked again after another TTL.
    Digest now = upstream.map(Descriptor::digest).orElse(cached);
    byte[] bytes = now.equals(cached) ? null : movedTo(repository, now).orElse(null);
    if (!now.equals(cached) && bytes == null) {
      return; // the new manifest could not be fetched: keep serving the cached one
    }
    Instant at = cache.clock.instant();
    cache.withTagLock(repository, tag, () -> {
      boolean unchanged = tags.resolve(repository, tag).filter(cached::equals).isPresent()
          && cache.cachedTags.read(repository, tag).filter(r -> r.digest().equals(cached))
              .isPresent();
      if (unchanged) {
        if (bytes != null) {
          manifests.storeFetched(repository, now, bytes, tag);
        }
        cache.cachedTags.write(repository, tag, now, at);
      }
      return null;
    });
  }

  /**
   * The manifest a revalidated tag moved to, or empty when the upstream cannot give it (down, or
   * a 404 for the digest its own tag names): the cached manifest is then served, and the request
   * is {@code stale}, not a miss (nothing new was fetched).
   */
  private Optional<byte[]> movedTo(RepositoryName repository, Digest digest) {
    return stored(repository, digest).or(() -> {
      Optional<UpstreamManifest> fetched;
      try {
        fetched = cache.upstream.manifest(repository, digest);
      } catch (UpstreamUnavailableException e) {
        fetched = Optional.empty();
      }
      if (fetched.isEmpty()) {
        cache.counters.unavailable(true);
        return Optional.empty();
      }
      cache.counters.fetched(Kind.MANIFEST, fetched.get().size());
      return Optional.of(fetched.get().bytes());
    });
  }

  /** The manifest's bytes from storage when they are there (any repository), else upstream. */
  private byte[] bytes(RepositoryName repository, Digest digest) {
    return stored(repository, digest).orElseGet(() -> fetch(repository, digest));
  }

  private Optional<byte[]> stored(RepositoryName repository, Digest digest) {
    if (manifests.exists(repository, digest)) {
      try {
        return Optional.of(storage.read(StoragePaths.blobData(digest)));
      } catch (ObjectNotFoundException e) {
        // Collected meanwhile: fetch it again.
      }
    }
    return Optional.empty();
  }

  private byte[] fetch(RepositoryName repository, Digest digest) {
    UpstreamManifest fetched;
    try {
      fetched = cache.upstream.manifest(repository, digest)
          .orElseThrow(() -> unknown(repository, digest));
    } catch (UpstreamUnavailableException e) {
      throw cache.unavailable("manifest " + digest + " of " + repository, e);
    }
    cache.counters.fetched(Kind.MANIFEST, fetched.size());
    return fetched.bytes();
  }

  private static RegistryException unknown(RepositoryName repository, Reference reference) {
    return new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference
        + " is not known in repository " + repository + ", nor upstream");
  }
}
