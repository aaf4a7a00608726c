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
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tags: the folders under {@code _manifests/tags}, each with a {@code current/link} naming its
 * manifest. This class alone writes them, in an order a crash cannot turn into a listed tag that
 * does not resolve: a new tag's link is written before anything lists it; a removed tag loses its
 * link before its folder, inside a {@link PendingChanges} record so that a start after a crash
 * finishes the folder and the generation.
 *
 * <p>A repository's sorted tag names are cached with the repository's tags generation
 * ({@link StoragePaths#tagsGeneration}: a random name and the time it was written); a page then
 * costs one small read and a binary search. A tag write announces itself by a generation written
 * before it (one this instance wrote less than five seconds ago will do) and ends within
 * {@link #SETTLING} of it or writes another after it; a removal writes one after it. A listing is
 * cached only when it began {@code SETTLING} and {@link #CLOCK_SKEW} after its generation was
 * written, so it holds every tag announced under it: until then every listing reads the folder.
 * No tag write needs a record for a crash: one killed before its link leaves no tag, one killed
 * after it left its generation in storage. Building the cache lists the folder and checks each
 * tag's link, so a folder a crash left without one is never listed. A repository without a
 * generation yet (written by registry:2) gets one at its first listing, before the folder is
 * read (docs/design/crash-safety.md, s3.md).
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

  /**
   * How long a tag write may take from the generation it announced to its end; readers cache a
   * listing only under a generation older than this and {@link #CLOCK_SKEW}.
   */
  static final Duration SETTLING = Duration.ofSeconds(10);
  /** How far the clocks of instances sharing a storage may differ. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

  /** The path of a tag's current link below its folder. */
  private static final String CURRENT_LINK = "current/link";

  private final ConcurrentHashMap<Build, CompletableFuture<Listing>> building =
      new ConcurrentHashMap<>();
  /**
   * The generation this instance last wrote for each repository's tags, while a write may still
   * lean on it; older ones are dropped at most once per {@link #SETTLING} ({@link #forgetOld}),
   * so the map holds the repositories whose tags changed lately, not every one since the start.
   */
  private final ConcurrentHashMap<RepositoryName, Announced> recentAnnouncements =
      new ConcurrentHashMap<>();
  /** When {@link #forgetOld} last ran, by {@link #clock}. */
  private final AtomicLong forgotAt;
  private final Clock clock;
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
      long cacheBytes, Clock clock) {
    this.clock = clock;
    this.forgotAt = new AtomicLong(clock.millis());
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

  /**
   * Points {@code tag} at {@code digest}, creating it when new. A tag that may be new announces
   * the change first ({@link #announce}: a new generation, or one this instance wrote moments
   * ago), then writes its link: no pending record, and no read of the link first. A write that
   * outlasts {@link #SETTLING} from its announcement announces again after it.
   */
  void point(RepositoryName repository, Tag tag, Digest digest) {
    Announced announced = announce(repository);
    Links.write(storage, StoragePaths.tagCurrentLink(repository, tag), digest);
    Links.writeUnflushed(storage, StoragePaths.tagIndexLink(repository, tag, digest), digest);
    if (announced.age(clock) >= SETTLING.toMillis()) {
      writeGeneration(repository);
    }
    listings.get().invalidate(repository);
  }

  /**
   * A generation this instance wrote: when it was sent, by the monotonic clock and by the clock
   * whose time it holds.
   */
  private record Announced(long nanos, long millis) {
    /** Milliseconds since, the longer by either clock (a clock set back counts as long ago). */
    long age(Clock clock) {
      long byNanos = (System.nanoTime() - nanos) / 1_000_000;
      long now = clock.millis();
      return now < millis ? Long.MAX_VALUE : Math.max(byNanos, now - millis);
    }
  }

  /**
   * Makes sure a generation of {@code repository} that this instance wrote less than half of
   * {@link #SETTLING} ago is in storage: a tag written now is then in every listing an instance
   * caches (they cache only under a generation older than {@code SETTLING} and the clock skew).
   */
  private Announced announce(RepositoryName repository) {
    Announced last = recentAnnouncements.get(repository);
    if (last != null && last.age(clock) < SETTLING.toMillis() / 2) {
      return last;
    }
    return writeGeneration(repository);
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
    writeGeneration(repository);
    listings.get().invalidate(repository);
  }

  /** A new generation: a random name and the wall-clock time it was written at. */
  private Announced writeGeneration(RepositoryName repository) {
    Announced now = new Announced(System.nanoTime(), clock.millis());
    storage.write(StoragePaths.tagsGeneration(repository), generation(now.millis()), false);
    recentAnnouncements.merge(repository, now, (a, b) -> a.nanos() - b.nanos() > 0 ? a : b);
    forgetOld(now.millis());
    return now;
  }

  /** Drops the generations no write leans on any more ({@link #announce} takes younger ones). */
  private void forgetOld(long nowMillis) {
    long last = forgotAt.get();
    boolean due = nowMillis - last >= SETTLING.toMillis() || nowMillis < last;
    if (due && forgotAt.compareAndSet(last, nowMillis)) {
      recentAnnouncements.values().removeIf(a -> a.age(clock) >= SETTLING.toMillis());
    }
  }

  /** How many repositories' generations this instance remembers, for tests. */
  int rememberedAnnouncements() {
    return recentAnnouncements.size();
  }

  private static byte[] generation(long millis) {
    return (UUID.randomUUID() + " " + millis).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Whether a listing begun at {@code startedMillis} may be cached under {@code generation}:
   * every tag write announced by it has ended by then. A generation without a time (written by
   * an earlier version, after its change) always may.
   */
  static boolean settled(byte[] generation, long startedMillis) {
    String text = new String(generation, StandardCharsets.UTF_8);
    int space = text.indexOf(' ');
    if (space < 0) {
      return true;
    }
    try {
      long written = Long.parseLong(text.substring(space + 1).strip());
      return startedMillis - written >= SETTLING.plus(CLOCK_SKEW).toMillis();
    } catch (NumberFormatException e) {
      return true;
    }
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
          generation(clock.millis()));
      return sortedTags(repository);
    }
    Listing cached = listings.get().getIfPresent(repository);
    if (cached != null && Arrays.equals(cached.generation, generation)) {
      return cached.sorted;
    }
    if (!settled(generation, clock.millis())) {
      // Tags announced by this generation may still be being written: list, share and keep
      // nothing (a listing begun before this request may miss a tag acknowledged before it).
      return complete(repository);
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
