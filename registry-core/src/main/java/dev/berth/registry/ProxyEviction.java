package dev.berth.registry;

import dev.berth.registry.CachedTags.Cached;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.upstream.CacheEviction;
import dev.berth.registry.upstream.CachePolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evicts the least recently pulled cached tags when they are older than the policy's age or hold
 * more than its bytes. Only cached tags are candidates (a tag with a fetched-at record that still
 * names what the record says): local pushes never are, and a cached image that carries a referrer
 * pushed here (a team's signature) is kept with it. An evicted tag goes with the manifests it
 * alone named in its repository (an index's stored children too); the blobs they named are then
 * unreferenced, and garbage collection takes them after its grace period. A later pull fetches
 * the tag again.
 */
final class ProxyEviction {

  /** A cached tag, when it was last pulled, and the manifests and blobs it names. */
  private record Entry(RepositoryName repository, Tag tag, Digest digest, Instant pulled,
      Set<Digest> manifests, Map<Digest, Long> content) {}

  private final ProxyCache cache;
  private final CachePolicy policy;
  private final RepositoryCatalog catalog;
  private final DefaultManifestService manifests;
  private final PullTimes pulls;

  ProxyEviction(ProxyCache cache, CachePolicy policy, RepositoryCatalog catalog,
      DefaultManifestService manifests, PullTimes pulls) {
    this.cache = cache;
    this.policy = policy;
    this.catalog = catalog;
    this.manifests = manifests;
    this.pulls = pulls;
  }

  CacheEviction run() {
    pulls.flush();
    if (!policy.evicts()) {
      return CacheEviction.NONE;
    }
    List<Entry> entries = new ArrayList<>();
    catalog.forEachFolder(repository -> {
      if (cache.covers(repository)) {
        entries.addAll(cached(repository));
      }
    });
    entries.sort(Comparator.comparing(Entry::pulled));
    Map<Digest, Integer> uses = new HashMap<>();
    Map<Digest, Long> sizes = new HashMap<>();
    long held = 0;
    for (Entry e : entries) {
      for (Map.Entry<Digest, Long> c : e.content().entrySet()) {
        if (uses.merge(c.getKey(), 1, Integer::sum) == 1) {
          sizes.put(c.getKey(), c.getValue());
          held += c.getValue();
        }
      }
    }
    Instant cutoff = policy.maxAge() == null ? null
        : cache.clock.instant().minus(policy.maxAge());
    int tags = 0;
    int removed = 0;
    for (Entry e : entries) {
      boolean old = cutoff != null && e.pulled().isBefore(cutoff);
      boolean over = policy.maxBytes() > 0 && held > policy.maxBytes();
      if (!old && !over) {
        break; // sorted by last pull: the rest are younger and fit
      }
      Optional<Integer> gone = evict(e);
      if (gone.isEmpty()) {
        continue;
      }
      tags++;
      removed += gone.get();
      for (Digest d : e.content().keySet()) {
        if (uses.merge(d, -1, Integer::sum) == 0) {
          held -= sizes.get(d);
        }
      }
    }
    return new CacheEviction(tags, removed, policy.maxBytes() > 0 ? held : -1);
  }

  /** The cached tags of a covered repository, with what they name. */
  private List<Entry> cached(RepositoryName repository) {
    Map<String, Instant> pulled = pulls.stored(repository);
    Map<Tag, Digest> current = manifests.tags(repository);
    List<Entry> found = new ArrayList<>();
    for (String name : cache.storage.list(StoragePaths.proxyTags(repository))) {
      if (!Tag.isValid(name)) {
        continue;
      }
      Tag tag = Tag.parse(name);
      Optional<Cached> record = cache.cachedTags.read(repository, tag);
      Digest digest = current.get(tag);
      if (record.isEmpty() || !record.get().digest().equals(digest)) {
        continue; // not a cached tag (any more): local, moved by a push, or gone
      }
      Instant at = pulled.getOrDefault(name, record.get().fetchedAt());
      Instant last = at.isAfter(record.get().fetchedAt()) ? at : record.get().fetchedAt();
      Set<Digest> named = new LinkedHashSet<>();
      Map<Digest, Long> content = new HashMap<>();
      name(repository, digest, named, content);
      found.add(new Entry(repository, tag, digest, last, named, content));
    }
    return found;
  }

  /** Adds a stored manifest, its stored children and the stored blobs they name. */
  private void name(RepositoryName repository, Digest digest, Set<Digest> named,
      Map<Digest, Long> content) {
    if (!manifests.exists(repository, digest) || !named.add(digest)) {
      return;
    }
    Optional<ParsedManifest> parsed = manifests.parse(digest);
    if (parsed.isEmpty()) {
      return;
    }
    content.put(digest, parsed.get().size());
    for (Descriptor blob : parsed.get().referencedBlobs()) {
      if (cache.storage.statObject(StoragePaths.blobData(blob.digest())).isPresent()) {
        content.put(blob.digest(), blob.size());
      }
    }
    for (Descriptor child : parsed.get().manifests()) {
      name(repository, child.digest(), named, content);
    }
  }

  /**
   * Removes a cached tag that still names what its record says, and the manifests it alone
   * named; empty when it stays (a push moved it, or a referrer pushed here keeps it).
   */
  private Optional<Integer> evict(Entry e) {
    return cache.withTagLock(e.repository(), e.tag(), () -> {
      Optional<Cached> record = cache.cachedTags.read(e.repository(), e.tag());
      if (record.isEmpty() || !record.get().digest().equals(e.digest())) {
        return Optional.empty();
      }
      int removed = manifests.evict(e.repository(), e.tag(), e.digest(), e.manifests(),
          m -> cache.referrers.hasLocal(e.repository(), m));
      if (removed < 0) {
        return Optional.empty();
      }
      cache.cachedTags.forget(e.repository(), e.tag());
      pulls.forget(e.repository(), List.of(e.tag().value()));
      return Optional.of(removed);
    });
  }
}
