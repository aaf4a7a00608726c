package dev.berth.registry;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.Striped;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.Reference;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.manifest.ManifestParser;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.referrers.ReferrersPage;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.layout.StoragePaths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import dev.berth.registry.layout.Links;

/**
 * Manifests in the registry:2 layout: bytes as a blob, a revision link per repository, tag links.
 * Bytes are immutable per digest, so they are cached in memory; links are read from storage on every
 * request, so several instances on one storage agree.
 */
final class DefaultManifestService implements ManifestService {

  private final Storage storage;
  private final DefaultTagStore tagStore;
  private final WriteFence fence;
  private final ReferrersIndex referrers;
  private final Repositories repositories;
  private final RegistryOptions options;
  private final Cache<Digest, ManifestContent> contents;
  /** Puts to one repository run together; a delete runs alone, so it sees every tag it must drop. */
  private final Striped<ReadWriteLock> repositoryLocks = Striped.readWriteLock(256);

  DefaultManifestService(Storage storage, DefaultTagStore tagStore, WriteFence fence,
      ReferrersIndex referrers, Repositories repositories, RegistryOptions options,
      long cacheBytes) {
    this.storage = storage;
    this.tagStore = tagStore;
    this.fence = fence;
    this.referrers = referrers;
    this.repositories = repositories;
    this.options = options;
    this.contents = CacheBuilder.newBuilder()
        .maximumWeight(Math.max(cacheBytes, 1))
        .<Digest, ManifestContent>weigher((d, c) -> c.bytes().length + 200)
        .build();
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
    Lock lock = repositoryLocks.get(repository).readLock();
    lock.lock();
    try {
      fence.write(() -> {
        verifyReferences(repository, manifest);
        store(repository, manifest);
        if (reference instanceof Tag tag) {
          boolean isNew = storage.stat(StoragePaths.tagCurrentLink(repository, tag)).isEmpty();
          Links.write(storage, StoragePaths.tagCurrentLink(repository, tag), manifest.digest());
          Links.write(storage, StoragePaths.tagIndexLink(repository, tag, manifest.digest()),
              manifest.digest());
          if (isNew) {
            tagStore.changed(repository);
          }
        }
        if (manifest.subject() != null) {
          referrers.add(repository, manifest.subject().digest(), manifest.asReferrer());
        }
        return null;
      });
    } finally {
      lock.unlock();
    }
    contents.put(manifest.digest(),
        new ManifestContent(manifest.digest(), manifest.mediaType(), manifest.bytes()));
    return new PutManifestResult(manifest.digest(),
        manifest.subjectIfAny().map(Descriptor::digest));
  }

  @Override
  public ManifestContent get(RepositoryName repository, Reference reference) {
    Digest digest = resolve(repository, reference);
    if (storage.stat(StoragePaths.revisionLink(repository, digest)).isEmpty()) {
      throw unknown(repository, reference);
    }
    ManifestContent cached = contents.getIfPresent(digest);
    if (cached != null) {
      return cached;
    }
    byte[] bytes;
    try {
      bytes = storage.read(StoragePaths.blobData(digest));
    } catch (ObjectNotFoundException e) {
      throw unknown(repository, reference);
    }
    ManifestContent content = new ManifestContent(digest, ManifestParser.mediaTypeOf(bytes), bytes);
    contents.put(digest, content);
    return content;
  }

  @Override
  public void delete(RepositoryName repository, Reference reference) {
    if (!options.deletesEnabled()) {
      throw new RegistryException(ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
    }
    if (reference instanceof Tag tag) {
      Lock lock = repositoryLocks.get(repository).writeLock();
      lock.lock();
      try {
        if (Links.read(storage, StoragePaths.tagCurrentLink(repository, tag)).isEmpty()) {
          throw unknown(repository, tag);
        }
        storage.delete(StoragePaths.tagDirectory(repository, tag));
        tagStore.changed(repository);
      } finally {
        lock.unlock();
      }
      return;
    }
    Digest digest = (Digest) reference;
    deleteManifest(repository, digest);
    if (options.deleteReferrersWithSubject()) {
      deleteUntaggedReferrers(repository, digest, new HashSet<>(), null);
    }
  }

  /** Removes a manifest's revision, the tags naming it, and its referrers-index entry. */
  void deleteManifest(RepositoryName repository, Digest digest) {
    Lock lock = repositoryLocks.get(repository).writeLock();
    lock.lock();
    try {
      if (storage.stat(StoragePaths.revisionLink(repository, digest)).isEmpty()) {
        throw unknown(repository, digest);
      }
      Optional<ParsedManifest> parsed = parse(digest);
      storage.delete(StoragePaths.revisionDirectory(repository, digest));
      boolean untagged = false;
      for (Map.Entry<Tag, Digest> tag : tags(repository).entrySet()) {
        if (tag.getValue().equals(digest)) {
          storage.delete(StoragePaths.tagDirectory(repository, tag.getKey()));
          untagged = true;
        }
      }
      if (untagged) {
        tagStore.changed(repository);
      }
      parsed.flatMap(ParsedManifest::subjectIfAny).ifPresent(
          subject -> referrers.remove(repository, subject.digest(), digest));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes the untagged referrers of a deleted subject, and theirs, recursively. Tagged referrers
   * stay (a tag keeps a manifest alive), and so do their own referrers.
   */
  private void deleteUntaggedReferrers(RepositoryName repository, Digest subject, Set<Digest> seen,
      Set<Digest> tagged) {
    if (!seen.add(subject)) {
      return;
    }
    Set<Digest> taggedNow = tagged != null ? tagged : new HashSet<>(tags(repository).values());
    List<Digest> children = new ArrayList<>();
    Digest after = null;
    do {
      ReferrersPage page = referrers.list(repository, subject, null, after, 1000);
      page.referrers().forEach(d -> children.add(d.digest()));
      after = page.next().orElse(null);
    } while (after != null);
    for (Digest child : children) {
      if (taggedNow.contains(child)) {
        continue;
      }
      try {
        deleteManifest(repository, child);
      } catch (RegistryException alreadyGone) {
        // Deleted concurrently, or an index entry whose manifest was removed: nothing to do.
        referrers.remove(repository, subject, child);
      }
      deleteUntaggedReferrers(repository, child, seen, taggedNow);
    }
  }

  /** The tags of a repository and the manifests they name. Costs one read per tag. */
  public Map<Tag, Digest> tags(RepositoryName repository) {
    Map<Tag, Digest> tags = new java.util.TreeMap<>();
    for (String name : storage.list(StoragePaths.tagsDirectory(repository))) {
      if (!Tag.isValid(name)) {
        continue;
      }
      Tag tag = Tag.parse(name);
      Links.read(storage, StoragePaths.tagCurrentLink(repository, tag))
          .ifPresent(d -> tags.put(tag, d));
    }
    return tags;
  }

  /** Reads and parses a stored manifest, when its bytes are there and of a known type. */
  public Optional<ParsedManifest> parse(Digest digest) {
    byte[] bytes;
    ManifestContent cached = contents.getIfPresent(digest);
    if (cached != null) {
      bytes = cached.bytes();
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

  private Digest resolve(RepositoryName repository, Reference reference) {
    if (reference instanceof Tag tag) {
      return Links.read(storage, StoragePaths.tagCurrentLink(repository, tag))
          .orElseThrow(() -> unknown(repository, tag));
    }
    return (Digest) reference;
  }

  /**
   * Checks that every blob and child manifest the manifest names is in the repository, touching
   * each so that a concurrent collection spares it, and reports every missing one at once.
   */
  private void verifyReferences(RepositoryName repository, ParsedManifest manifest) {
    List<RegistryException.Error> missing = new ArrayList<>();
    boolean artifact = MediaTypes.ORAS_ARTIFACT_MANIFEST.equals(manifest.mediaType())
        || MediaTypes.OCI_ARTIFACT_MANIFEST.equals(manifest.mediaType());
    String blobField = artifact ? "blob" : "layer";
    if (manifest.config() != null) {
      checkBlob(repository, manifest, manifest.config(), "config", missing);
    }
    for (Descriptor blob : manifest.blobs()) {
      if (manifest.externalBlobs().contains(blob.digest())) {
        continue;
      }
      if (artifact && storage.stat(StoragePaths.revisionLink(repository, blob.digest())).isPresent()) {
        throw new RegistryException(ErrorCode.MANIFEST_INVALID, "put manifest in " + repository
            + ": blob " + blob.digest() + " is a manifest; an artifact's blobs must not be manifests");
      }
      checkBlob(repository, manifest, blob, blobField, missing);
    }
    for (Descriptor child : manifest.manifests()) {
      Optional<StorageEntry> data = touch(StoragePaths.revisionLink(repository, child.digest()),
          child.digest());
      if (data.isEmpty()) {
        missing.add(blobUnknown(repository, "manifest", child.digest()));
      } else {
        checkSize(repository, "manifest", child, data.get().size());
      }
    }
    if (MediaTypes.ORAS_ARTIFACT_MANIFEST.equals(manifest.mediaType()) && manifest.subject() != null
        && storage.stat(StoragePaths.revisionLink(repository, manifest.subject().digest()))
            .isEmpty()) {
      missing.add(new RegistryException.Error(ErrorCode.MANIFEST_BLOB_UNKNOWN, "put manifest in "
          + repository + ": subject " + manifest.subject().digest()
          + " is not a manifest in this repository (an ORAS artifact's subject must exist)",
          Map.of("digest", manifest.subject().digest().toString())));
    }
    if (!missing.isEmpty()) {
      throw new RegistryException(missing);
    }
  }

  private void checkBlob(RepositoryName repository, ParsedManifest manifest, Descriptor blob,
      String what, List<RegistryException.Error> missing) {
    if (blob.digest().equals(Digest.EMPTY_JSON)) {
      checkSize(repository, what, blob, DefaultBlobStore.EMPTY_JSON.length);
      materializeEmptyBlob(repository);
      return;
    }
    Optional<StorageEntry> data = touch(StoragePaths.layerLink(repository, blob.digest()),
        blob.digest());
    if (data.isEmpty()) {
      missing.add(blobUnknown(repository, what, blob.digest()));
    } else {
      checkSize(repository, what, blob, data.get().size());
    }
  }

  /**
   * Touches a blob's bytes under its lock and reports them, when the repository links it
   * ({@code link}) and the bytes exist.
   */
  private Optional<StorageEntry> touch(String link, Digest digest) {
    if (storage.stat(link).isEmpty()) {
      return Optional.empty();
    }
    String data = StoragePaths.blobData(digest);
    Lock lock = fence.lockFor(digest);
    lock.lock();
    try {
      if (!storage.touch(data)) {
        return Optional.empty();
      }
      storage.touch(link);
      return storage.stat(data);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The OCI empty blob may be named without being pushed (the ORAS Java SDK never uploads it). It
   * is stored and linked on first use, so the repository is complete for any registry reading it.
   */
  private void materializeEmptyBlob(RepositoryName repository) {
    String data = StoragePaths.blobData(Digest.EMPTY_JSON);
    Lock lock = fence.lockFor(Digest.EMPTY_JSON);
    lock.lock();
    try {
      if (!storage.touch(data)) {
        storage.write(data, DefaultBlobStore.EMPTY_JSON);
      }
    } finally {
      lock.unlock();
    }
    String link = StoragePaths.layerLink(repository, Digest.EMPTY_JSON);
    if (!storage.touch(link)) {
      Links.write(storage, link, Digest.EMPTY_JSON);
    }
  }

  /** Writes the bytes (once per digest) and the revision link, under the digest's sweep lock. */
  private void store(RepositoryName repository, ParsedManifest manifest) {
    String data = StoragePaths.blobData(manifest.digest());
    Lock lock = fence.lockFor(manifest.digest());
    lock.lock();
    try {
      if (!storage.touch(data)) {
        storage.write(data, manifest.bytes());
      }
      Links.write(storage, StoragePaths.revisionLink(repository, manifest.digest()),
          manifest.digest());
    } finally {
      lock.unlock();
    }
  }

  private static void checkSize(RepositoryName repository, String what, Descriptor d, long actual) {
    if (d.size() != actual) {
      throw new RegistryException(ErrorCode.MANIFEST_INVALID, "put manifest in " + repository + ": "
          + what + " " + d.digest() + " is " + actual + " bytes, but the descriptor says "
          + d.size());
    }
  }

  private static RegistryException.Error blobUnknown(RepositoryName repository, String what,
      Digest digest) {
    return new RegistryException.Error(ErrorCode.MANIFEST_BLOB_UNKNOWN, "put manifest in "
        + repository + ": " + what + " " + digest + " is not known in this repository",
        Map.of("digest", digest.toString()));
  }

  private RegistryException unknown(RepositoryName repository, Reference reference) {
    return repositories.notFound(repository, ErrorCode.MANIFEST_UNKNOWN,
        "manifest " + reference + " is not known in repository " + repository);
  }
}
