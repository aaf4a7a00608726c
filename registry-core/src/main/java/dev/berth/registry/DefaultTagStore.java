package dev.berth.registry;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.berth.registry.layout.Links;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tags: the folders under {@code _manifests/tags}, each with a {@code current/link} naming its
 * manifest. This class alone writes them, in an order a crash cannot turn into a listed tag that
 * does not resolve: a new tag's link is written before anything lists it; a removed tag loses its
 * link before its folder; both are recorded as {@link PendingChanges} so that a start after a
 * crash finishes the folder and the generation.
 *
 * <p>A repository's sorted tag names are cached with the repository's tags generation
 * ({@link StoragePaths#tagsGeneration}), which every change to the set of tags rewrites after the
 * change; a page then costs one small read and a binary search. Building the cache lists the
 * folder and checks each tag's link, so a folder a crash left without one is never listed. A
 * repository without a generation yet (written by registry:2) gets one at its first listing,
 * before the folder is read.
 */
final class DefaultTagStore implements TagStore {

  private record Listing(byte[] generation, String[] sorted) {
    /**
     * The heap a listing holds, roughly: per name a String (24 bytes), its byte array (16 + one
     * byte a character: tags are ASCII) and its slot; the arrays' headers.
     */
    int bytes() {
      long total = 64L + generation.length + 4L * sorted.length;
      for (String name : sorted) {
        total += 48 + name.length();
      }
      return (int) Math.min(total, Integer.MAX_VALUE);
    }
  }

  /** A listing being built, by repository and the generation it is built for. */
  private record Build(RepositoryName repository, ByteBuffer generation) {}

  /** The path of a tag's current link below its folder. */
  private static final String CURRENT_LINK = "current/link";

  private final ConcurrentHashMap<Build, CompletableFuture<Listing>> building =
      new ConcurrentHashMap<>();
  private final Storage storage;
  private final Repositories repositories;
  private final PendingChanges pending;
  /** Made on first use, as DefaultManifestService's contents. */
  private final Supplier<Cache<RepositoryName, Listing>> listings;

  /**
   * @param cacheBytes about how many bytes of heap the cached listings may hold; one segment, so
   *     that a repository with many tags fits whole
   */
  DefaultTagStore(Storage storage, Repositories repositories, PendingChanges pending,
      long cacheBytes) {
    this.storage = storage;
    this.repositories = repositories;
    this.pending = pending;
    this.listings = Suppliers.memoize(() -> CacheBuilder.newBuilder()
        .concurrencyLevel(1)
        .maximumWeight(Math.max(cacheBytes, 1))
        .<RepositoryName, Listing>weigher((r, l) -> l.bytes())
        .build());
  }

  @Override
  public Optional<Digest> resolve(RepositoryName repository, Tag tag) {
    return Links.read(storage, StoragePaths.tagCurrentLink(repository, tag));
  }

  /** The tags of a repository and the manifests they name. Costs one read per tag. */
  Map<Tag, Digest> tags(RepositoryName repository) {
    Map<Tag, Digest> tags = new TreeMap<>();
    for (String name : storage.list(StoragePaths.tagsDirectory(repository))) {
      if (Tag.isValid(name)) {
        Tag tag = Tag.parse(name);
        resolve(repository, tag).ifPresent(d -> tags.put(tag, d));
      }
    }
    return tags;
  }

  /** Points {@code tag} at {@code digest}, creating it when new. */
  void point(RepositoryName repository, Tag tag, Digest digest) {
    // Whether the tag is new asks first with statObject (on S3 a HEAD: a 404 without a body, where
    // a GET's 404 has one, which Ceph's gateway sends about 40 ms late; s3.md); a tag that exists
    // is then read, to skip rewriting it when it names this manifest already.
    String current = StoragePaths.tagCurrentLink(repository, tag);
    Optional<Digest> before = storage.statObject(current).isPresent()
        ? resolve(repository, tag) : Optional.empty();
    boolean created = before.isEmpty();
    String change = created ? pending.beginTag(repository, tag) : null;
    if (!before.equals(Optional.of(digest))) {
      // A tag pushed again with the manifest it names (CI re-pushing "latest") is not rewritten:
      // the same bytes, one write (on S3 one PUT) fewer. Its index link below is still written.
      Links.write(storage, current, digest);
    }
    Links.writeUnflushed(storage, StoragePaths.tagIndexLink(repository, tag, digest), digest);
    if (created) {
      changed(repository);
      pending.end(change);
    }
  }

  /**
   * Removes a tag: its current link first (from then on it is not listed nor resolved), then its
   * folder.
   *
   * @return false when there was no such tag
   */
  boolean remove(RepositoryName repository, Tag tag) {
    if (resolve(repository, tag).isEmpty()) {
      return false;
    }
    String change = pending.beginTag(repository, tag);
    unlink(repository, tag);
    changed(repository);
    pending.end(change);
    return true;
  }

  /** Removes every tag that names {@code digest}. */
  void removeAll(RepositoryName repository, Digest digest) {
    for (Map.Entry<Tag, Digest> tag : tags(repository).entrySet()) {
      if (tag.getValue().equals(digest)) {
        remove(repository, tag.getKey());
      }
    }
  }

  /** Finishes a tag change a crash interrupted: a folder without its link goes. */
  void reconcile(RepositoryName repository, Tag tag) {
    if (resolve(repository, tag).isEmpty()) {
      unlink(repository, tag);
    }
    changed(repository);
  }

  private void unlink(RepositoryName repository, Tag tag) {
    storage.delete(StoragePaths.tagCurrentLink(repository, tag));
    storage.delete(StoragePaths.tagDirectory(repository, tag));
  }

  /** Records that a repository's set of tags changed: call after the change is in storage. */
  private void changed(RepositoryName repository) {
    storage.write(StoragePaths.tagsGeneration(repository),
        UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), false);
    listings.get().invalidate(repository);
  }

  @Override
  public Page list(RepositoryName repository, String last, int limit) {
    if (limit == 0) {
      requireRepository(repository);
      return new Page(List.of(), Optional.empty());
    }
    String[] sorted = sortedTags(repository);
    if (sorted.length == 0) {
      requireRepository(repository);
    }
    int from = 0;
    if (last != null) {
      int at = Arrays.binarySearch(sorted, last);
      from = at >= 0 ? at + 1 : -at - 1;
    }
    int to = (int) Math.min((long) from + limit, sorted.length);
    List<String> page = Arrays.asList(sorted).subList(from, to);
    return new Page(page, to < sorted.length && !page.isEmpty()
        ? Optional.of(page.get(page.size() - 1)) : Optional.empty());
  }

  private String[] sortedTags(RepositoryName repository) {
    byte[] generation;
    try {
      generation = storage.read(StoragePaths.tagsGeneration(repository));
    } catch (ObjectNotFoundException e) {
      // A repository registry:2 wrote: start its generation before listing, so that the listing
      // is at least as new as the generation it is cached under. writeIfAbsent: a generation
      // another instance wrote meanwhile (after changing a tag) is kept.
      if (!repositories.exists(repository)) {
        return new String[0];
      }
      storage.writeIfAbsent(StoragePaths.tagsGeneration(repository),
          UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
      return sortedTags(repository);
    }
    Listing cached = listings.get().getIfPresent(repository);
    if (cached != null && Arrays.equals(cached.generation, generation)) {
      return cached.sorted;
    }
    // One build per repository and generation: the requests that miss together (a client farm
    // listing a repository after a push) wait for it instead of each listing the folder. A build
    // for another generation is never shared: it may predate a change this caller saw.
    Build key = new Build(repository, ByteBuffer.wrap(generation));
    CompletableFuture<Listing> mine = new CompletableFuture<>();
    CompletableFuture<Listing> running = building.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join().sorted;
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    try {
      Listing built = new Listing(generation, complete(repository));
      listings.get().put(repository, built);
      mine.complete(built);
      return built.sorted;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      building.remove(key, mine);
    }
  }

  /** The tag folders that hold a current link (Storage#listHolding: one listing on S3). */
  private String[] complete(RepositoryName repository) {
    return storage.listHolding(StoragePaths.tagsDirectory(repository), CURRENT_LINK).stream()
        .filter(Tag::isValid).toArray(String[]::new);
  }

  private void requireRepository(RepositoryName repository) {
    if (!repositories.exists(repository)) {
      throw new RegistryException(ErrorCode.NAME_UNKNOWN,
          "repository " + repository + " is not known to this registry");
    }
  }
}
