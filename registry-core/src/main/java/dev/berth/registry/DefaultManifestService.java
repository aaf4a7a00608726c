package dev.berth.registry;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.Striped;
import dev.berth.registry.layout.Links;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.manifest.ManifestParser;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.Reference;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Predicate;

/**
 * Manifests in the registry:2 layout: bytes as a blob, a revision link per repository, tag links.
 * Bytes are immutable per digest, so they are cached in memory; links are read from storage on every
 * request, so several instances on one storage agree.
 *
 * <p>A put validates everything first ({@link ReferenceCheck}) and writes only an accepted
 * manifest, in the order that keeps every step readable: what it names, its bytes, its revision,
 * its tag, its referrers-index entry. A delete goes the other way ({@link ManifestRemoval}).
 */
final class DefaultManifestService implements ManifestService {

  private final Storage storage;
  private final DefaultTagStore tags;
  private final WriteFence fence;
  private final BlobKeeper keeper;
  private final ReferenceCheck check;
  private final ManifestRemoval removal;
  private final ReferrersIndex referrers;
  private final PendingChanges pending;
  private final Repositories repositories;
  private final RegistryOptions options;
  /**
   * Made on first use: Guava's cache loads some 70 classes, which a registry that is only started
   * (a test's, or one answering {@code /v2/}) need not pay for before its first answer.
   */
  private final Supplier<Cache<Digest, ManifestContent>> contents;
  /** Puts to one repository run together; a delete runs alone, so it sees every tag it must drop. */
  private final Striped<ReadWriteLock> repositoryLocks = Striped.readWriteLock(256);
  /** The pull-through cache, when there is one ({@link #useProxy}). */
  private ProxyCache proxy;
  private ProxyManifests proxied;

  DefaultManifestService(Storage storage, DefaultTagStore tags, WriteFence fence,
      BlobKeeper keeper, ReferrersIndex referrers, PendingChanges pending,
      Repositories repositories, RegistryOptions options, long cacheBytes) {
    this.storage = storage;
    this.tags = tags;
    this.fence = fence;
    this.keeper = keeper;
    this.check = new ReferenceCheck(storage, keeper);
    this.removal = new ManifestRemoval(storage, tags, referrers, pending, keeper);
    this.referrers = referrers;
    this.pending = pending;
    this.repositories = repositories;
    this.options = options;
    this.contents = Suppliers.memoize(() -> CacheBuilder.newBuilder()
        .maximumWeight(Math.max(cacheBytes, 1))
        .<Digest, ManifestContent>weigher((d, c) -> (int) c.size() + 200)
        .build());
  }

  @Override
  public PutManifestResult put(RepositoryName repository, Reference reference, String contentType,
      byte[] body) {
    if (body.length > options.maxManifestBytes()) {
      throw new RegistryException(ErrorCode.MANIFEST_TOO_LARGE, "manifest for " + repository
          + " is " + body.length + " bytes, over the limit of " + options.maxManifestBytes());
    }
    String algorithm = Digest.SHA256;
    if (reference instanceof Digest given) {
      if (!given.isVerifiable()) {
        throw new RegistryException(ErrorCode.DIGEST_INVALID, "cannot verify manifest against "
            + given + ": unsupported algorithm " + given.algorithm());
      }
      algorithm = given.algorithm();
    }
    ParsedManifest manifest = ManifestParser.parseForPut(body, MediaTypes.bare(contentType),
        algorithm);
    if (reference instanceof Digest given && !given.equals(manifest.digest())) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "put manifest " + given + " in "
          + repository + ": the body's digest is " + manifest.digest());
    }
    if (proxy != null && proxy.covers(repository)) {
      proxy.checkPush(repository, manifest);
      if (reference instanceof Tag tag) {
        // A pushed tag is local from now on: its fetched-at record goes with the push, under the
        // tag's lock, so that a revalidation never moves it back (docs/design/proxy.md).
        return proxy.withTagLock(repository, tag, () -> {
          PutManifestResult result = store(repository, reference, manifest);
          proxy.cachedTags.forget(repository, tag);
          return result;
        });
      }
    }
    return store(repository, reference, manifest);
  }

  private PutManifestResult store(RepositoryName repository, Reference reference,
      ParsedManifest manifest) {
    write(repository, reference instanceof Tag tag ? tag : null, manifest, true);
    return new PutManifestResult(manifest.digest(),
        manifest.subjectIfAny().map(Descriptor::digest));
  }

  /**
   * The steps of every manifest write, pushed or fetched: bytes, then revision (kept against
   * collections on other instances before the tag), then tag, then referrers-index entry.
   *
   * @param pushed check what it names first (a push); a fetched manifest is stored unchecked,
   *     what it names is fetched when asked for
   */
  private void write(RepositoryName repository, Tag tag, ParsedManifest manifest,
      boolean pushed) {
    Digest digest = manifest.digest();
    byte[] bytes = manifest.bytes();
    Lock lock = repositoryLocks.get(repository).readLock();
    lock.lock();
    try {
      fence.write(() -> {
        // Read before any link is looked at: what this write finds may spare later writes here
        // their checks for a second, unless a removal is answered meanwhile (gc.md).
        String removals = Removals.current(storage, repository);
        ReferenceCheck.Plan plan = pushed ? check.verify(repository, manifest, removals) : null;
        Digest subject = manifest.subject() == null ? null : manifest.subject().digest();
        String change = subject == null ? null : pending.beginManifest(repository, digest);
        if (plan != null && plan.linkEmptyBlob()) {
          String link = StoragePaths.layerLink(repository, Digest.EMPTY_JSON);
          keeper.keep(List.of(Digest.EMPTY_JSON), () -> keeper.keepOrCreate(Digest.EMPTY_JSON,
              data -> storage.write(data, DefaultBlobStore.EMPTY_JSON), link),
              () -> keeper.stored(List.of(Digest.EMPTY_JSON)));
        }
        String revision = StoragePaths.revisionLink(repository, digest);
        keeper.keepManifest(digest, bytes, revision, removals);
        if (tag != null) {
          tags.point(repository, tag, digest);
        }
        if (subject != null) {
          referrers.add(repository, subject, manifest.asReferrer());
          pending.end(change);
        }
        return null;
      });
    } finally {
      lock.unlock();
    }
    contents.get().put(digest, ManifestContent.owning(digest, manifest.mediaType(), bytes));
  }

  /** Makes this service read covered repositories through a pull-through cache. */
  void useProxy(ProxyCache cache, DefaultTagStore tagStore) {
    this.proxy = cache;
    this.proxied = new ProxyManifests(cache, this, tagStore, storage);
  }

  /**
   * Stores a manifest an upstream sent, through the steps of a put (bytes, revision, tag,
   * referrers-index entry) but without the checks of a push: what it names is fetched when asked
   * for. The bytes are verified against {@code digest} first; nothing is written otherwise.
   *
   * @param tag the tag to point at it, or null
   */
  void storeFetched(RepositoryName repository, Digest digest, byte[] bytes, Tag tag) {
    if (!digest.isVerifiable() || !Digest.of(digest.algorithm(), bytes).equals(digest)) {
      throw new RegistryException(ErrorCode.UNAVAILABLE, "the upstream sent manifest bytes for "
          + digest + " in " + repository + " whose digest is not " + digest + "; nothing stored");
    }
    ParsedManifest manifest;
    try {
      manifest = ManifestParser.parseStored(digest, bytes);
    } catch (RegistryException e) {
      throw new RegistryException(ErrorCode.UNAVAILABLE, "the upstream's manifest " + digest
          + " in " + repository + " cannot be served: " + e.getMessage());
    }
    write(repository, tag, manifest, false);
  }

  @Override
  public ManifestContent get(RepositoryName repository, Reference reference) {
    if (proxied != null && proxy.covers(repository)) {
      return proxied.get(repository, reference);
    }
    return getLocal(repository, reference);
  }

  /** A manifest from storage only. */
  ManifestContent getLocal(RepositoryName repository, Reference reference) {
    Digest digest = reference instanceof Tag tag
        ? tags.resolve(repository, tag).orElseThrow(() -> unknown(repository, tag))
        : (Digest) reference;
    if (storage.statObject(StoragePaths.revisionLink(repository, digest)).isEmpty()) {
      throw unknown(repository, reference);
    }
    ManifestContent cached = contents.get().getIfPresent(digest);
    if (cached != null) {
      return cached;
    }
    byte[] bytes;
    try {
      bytes = storage.read(StoragePaths.blobData(digest));
    } catch (ObjectNotFoundException e) {
      throw unknown(repository, reference);
    }
    ManifestContent content = ManifestContent.owning(digest, ManifestParser.mediaTypeOf(bytes),
        bytes);
    contents.get().put(digest, content);
    return content;
  }

  @Override
  public void delete(RepositoryName repository, Reference reference) {
    if (!options.deletesEnabled()) {
      throw new RegistryException(ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
    }
    Lock lock = repositoryLocks.get(repository).writeLock();
    lock.lock();
    try {
      if (reference instanceof Tag tag) {
        if (!tags.remove(repository, tag)) {
          throw unknown(repository, tag);
        }
        return;
      }
      Digest digest = (Digest) reference;
      if (storage.statObject(StoragePaths.revisionLink(repository, digest)).isEmpty()) {
        throw unknown(repository, digest);
      }
      removal.remove(repository, digest, parse(digest).orElse(null));
      if (options.deleteReferrersWithSubject()) {
        for (Digest orphan : removal.orphans(repository, digest)) {
          if (storage.statObject(StoragePaths.revisionLink(repository, orphan)).isPresent()) {
            removal.remove(repository, orphan, parse(orphan).orElse(null));
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Evicts a cached tag (ProxyEviction): under the repository's write lock, so that no push is
   * half done, the tag goes if it still names {@code digest}, then each of {@code closure} (the
   * manifest and its stored children) that no remaining tag names, with the referrers of it,
   * which are all fetched ones: a manifest {@code pinned} (it carries a referrer pushed here)
   * keeps the whole tag.
   *
   * @return how many manifests went, or -1 when nothing did
   */
  int evict(RepositoryName repository, Tag tag, Digest digest, Set<Digest> closure,
      Predicate<Digest> pinned) {
    Lock lock = repositoryLocks.get(repository).writeLock();
    lock.lock();
    try {
      if (!tags.resolve(repository, tag).filter(digest::equals).isPresent()
          || closure.stream().anyMatch(pinned)) {
        return -1;
      }
      tags.remove(repository, tag);
      Set<Digest> named = new HashSet<>();
      tags(repository).values().forEach(d -> closure(d, named));
      int removed = 0;
      for (Digest m : closure) {
        if (!named.contains(m) && exists(repository, m)) {
          for (Digest referrer : removal.orphans(repository, m)) {
            if (exists(repository, referrer)) {
              removal.remove(repository, referrer, parse(referrer).orElse(null));
            }
          }
          removal.remove(repository, m, parse(m).orElse(null));
          removed++;
        }
      }
      return removed;
    } finally {
      lock.unlock();
    }
  }

  /** Adds a manifest and, for an index, its children (stored or not) to {@code into}. */
  private void closure(Digest digest, Set<Digest> into) {
    if (into.add(digest)) {
      parse(digest).ifPresent(p -> p.manifests().forEach(c -> closure(c.digest(), into)));
    }
  }

  /** The tags of a repository and the manifests they name. */
  Map<Tag, Digest> tags(RepositoryName repository) {
    return tags.tags(repository);
  }

  ManifestRemoval removal() {
    return removal;
  }

  /** Reads and parses a stored manifest, when its bytes are there and of a known type. */
  Optional<ParsedManifest> parse(Digest digest) {
    ManifestContent cached = contents.get().getIfPresent(digest);
    byte[] bytes;
    if (cached != null) {
      bytes = cached.shared();
    } else {
      try {
        bytes = storage.read(StoragePaths.blobData(digest));
      } catch (ObjectNotFoundException e) {
        return Optional.empty();
      }
    }
    try {
      return Optional.of(ManifestParser.parseStored(digest, bytes));
    } catch (RegistryException e) {
      return Optional.empty();
    }
  }

  /** Whether a repository holds a manifest (its revision link). */
  boolean exists(RepositoryName repository, Digest digest) {
    return Links.read(storage, StoragePaths.revisionLink(repository, digest)).isPresent();
  }

  private RegistryException unknown(RepositoryName repository, Reference reference) {
    return repositories.notFound(repository, ErrorCode.MANIFEST_UNKNOWN,
        "manifest " + reference + " is not known in repository " + repository);
  }
}
