package dev.berth.registry;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.berth.registry.layout.Links;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.storage.StorageWriter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one place where writes keep what they reference from garbage collection
 * (docs/design/gc.md). Within the process, a write touches under the lock the collector deletes
 * under, and the collector re-checks ages under that lock. Across instances, where locks do not
 * reach, a write settles ({@link #settle}, {@link #keep}): it touches, waits while a collector
 * announces deleting what it touched ({@link SweepIntents}), and only then checks that it is
 * there. The collector's side is in {@link GarbageCollector}.
 *
 * <p>A blob that a client checks or a manifest names is kept by touching the repository's link
 * to it (a few bytes), not its bytes: on S3 a touch is a copy of the object, and a link costs
 * the same whatever the blob's size. The collector counts a link's time as the blob's.
 */
final class BlobKeeper {
  /** A write that meets an announcement this many times in a row gives up (503). */
  private static final int ROUNDS = 5;
  /**
   * How long a write here that settled an object spares later writes the handshake for it, unless
   * a collection begins here meanwhile (gc.md, "Settled moments ago").
   */
  static final Duration SETTLED_FOR = Duration.ofSeconds(1);

  /**
   * A round that touched a link (and so the object behind it) at or after {@code touchedNanos},
   * then found no announcement and the object there, of {@code size} bytes; the write it was part
   * of read the repository's {@link Removals} value {@code removals} before the touch.
   */
  private record Settled(long touchedNanos, long collections, long size, String removals,
      AtomicBoolean renewing) {}

  private final Storage storage;
  private final WriteFence fence;
  private final SweepIntents intents;
  private final Cache<String, Settled> settled = CacheBuilder.newBuilder()
      .maximumSize(100_000).expireAfterWrite(SETTLED_FOR).build();

  BlobKeeper(Storage storage, WriteFence fence, SweepIntents intents) {
    this.storage = storage;
    this.fence = fence;
    this.intents = intents;
  }

  /**
   * Touches a repository's link to a blob ({@code _layers} or a manifest's revision link) under
   * the blob's shared lock.
   *
   * @return false when the link is not there
   */
  boolean touchLink(String link, Digest digest) {
    return locked(digest, () -> storage.touch(link));
  }

  /**
   * The size of the object behind {@code link} when a write in this process settled it less than
   * {@link #SETTLED_FOR} ago, no collection began here since, and the repository's
   * {@link Removals} value is still {@code removals} (read by this write, before it looks here):
   * then the link is there, no collection on any instance deletes the object before this write
   * ends (gc.md, "Settled moments ago"), and the write needs neither touch, listing nor check for
   * it. Call inside the write fence.
   */
  OptionalLong recentlySettled(String link, String removals) {
    Settled s = settled.getIfPresent(link);
    long age = s == null ? Long.MAX_VALUE : System.nanoTime() - s.touchedNanos();
    if (s == null || s.collections() != fence.collections() || age >= SETTLED_FOR.toNanos()
        || !s.removals().equals(removals)) {
      return OptionalLong.empty();
    }
    // Past half its time, one write settles it anew while the others still lean on it: a burst
    // of writes never finds it expired all at once and settles it once each.
    if (age >= SETTLED_FOR.toNanos() / 2 && s.renewing().compareAndSet(false, true)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(s.size());
  }

  /**
   * Records that a round which touched {@code link} at or after {@code touchedNanos} (read
   * before the touch was sent) found no announcement and then the object of {@code size} bytes,
   * in a write that read {@code removals} before that touch. Call inside the write fence that
   * round ran in.
   */
  void settled(String link, long touchedNanos, long size, String removals) {
    settled.put(link, new Settled(touchedNanos, fence.collections(), size, removals,
        new AtomicBoolean()));
  }

  /**
   * Keeps a manifest's bytes and its revision link in the repository, settled against
   * collections on other instances (what a manifest write does before its tag). When this
   * process settled the same moments ago and no removal in the repository was answered since
   * ({@code removals}, read by this write before anything else), nothing is asked: a DELETE of
   * the manifest through any instance meanwhile would have changed that value, and then the
   * revision is written again (that DELETE must not win over this later write).
   */
  void keepManifest(Digest digest, byte[] bytes, String revision, String removals) {
    if (recentlySettled(revision, removals).isPresent()) {
      return;
    }
    long[] touched = {0};
    keep(List.of(digest), () -> {
      touched[0] = System.nanoTime();
      keepOrCreate(digest, data -> storage.write(data, bytes), revision);
    }, () -> storage.statObject(revision).isPresent() && stored(List.of(digest)));
    settled(revision, touched[0], bytes.length, removals);
  }

  /**
   * Keeps the blob's bytes (touched) or, when they are missing, has {@code create} write them at
   * the path it is given; then writes {@code link} (a repository's link to the blob), if any.
   * Where a touch is a copy (S3), the bytes, which the caller holds, are written again instead:
   * the same object, one request either way.
   */
  void keepOrCreate(Digest digest, Consumer<String> create, String link) {
    String data = StoragePaths.blobData(digest);
    locked(digest, () -> {
      if (!storage.touchIsCheap() || !storage.touch(data)) {
        create.accept(data);
      }
      if (link != null) {
        Links.write(storage, link, digest);
      }
      return null;
    });
  }

  /**
   * Makes a blob whose bytes {@code writer} holds, verified, visible and links it into
   * {@code repository}: what an upload's completion and a fetched blob's completion do. Inside
   * the write fence and {@link #keep}: a later round that finds the committed bytes collected by
   * another instance touches them or fails with {@code collected}.
   *
   * @param keepStored whether bytes already stored (by another instance) are kept and the writer
   *     cancelled (a fetch, where a touch first is cheap next to the upstream); else the writer
   *     replaces them (an upload, whose touch would cost a copy on S3)
   */
  void commitLinked(RepositoryName repository, Digest digest, StorageWriter writer,
      boolean keepStored, Supplier<RegistryException> collected) {
    String data = StoragePaths.blobData(digest);
    boolean[] committed = {false};
    fence.write(() -> {
      keep(List.of(digest), () -> locked(digest, () -> {
        if (!committed[0]) {
          if (keepStored && storage.touch(data)) {
            writer.cancel();
          } else {
            writer.commit();
          }
          committed[0] = true;
        } else if (!storage.touch(data)) {
          throw collected.get();
        }
        Links.write(storage, StoragePaths.layerLink(repository, digest), digest);
        return null;
      }), () -> stored(List.of(digest)));
      return null;
    });
  }

  /**
   * Links stored bytes into {@code repository} (a mount; a fetch that finds the blob stored for
   * another repository), settled against collections on other instances.
   *
   * @return the blob's bytes, or empty when they are not there (any more)
   */
  Optional<StorageEntry> linkStored(RepositoryName repository, Digest digest) {
    String data = StoragePaths.blobData(digest);
    return fence.write(() -> {
      AtomicReference<Optional<StorageEntry>> entry = new AtomicReference<>(Optional.empty());
      settle(List.of(digest), () -> locked(digest, () -> {
        if (storage.touch(data)) {
          Links.write(storage, StoragePaths.layerLink(repository, digest), digest);
        }
        return null;
      }), () -> {
        entry.set(storage.statObject(data));
        return entry.get().isPresent();
      });
      return entry.get();
    });
  }

  /**
   * Runs {@code touch}, which touches what a write references, until no collector announces
   * deleting one of {@code digests} at that moment; then answers {@code present}, which looks at
   * whether they are all still there. A true answer holds against collections on any instance.
   */
  boolean settle(Collection<Digest> digests, Runnable touch, BooleanSupplier present) {
    for (int round = 1; round <= ROUNDS; round++) {
      touch.run();
      if (!intents.awaitNone(digests)) {
        return present.getAsBoolean();
      }
    }
    return false;
  }

  /**
   * Runs {@code write}, which touches or (re)writes the objects of {@code digests}, until a round
   * in which no collector announced deleting them finds them {@code present}: what a write that
   * makes something new visible (an upload, a manifest) does before it answers.
   *
   * @throws RegistryException {@code UNAVAILABLE} when collections keep deleting them
   */
  void keep(Collection<Digest> digests, Runnable write, BooleanSupplier present) {
    for (int round = 1; round <= ROUNDS; round++) {
      write.run();
      if (!intents.awaitNone(digests) && present.getAsBoolean()) {
        return;
      }
    }
    throw new RegistryException(ErrorCode.UNAVAILABLE, "garbage collection on another instance"
        + " kept deleting " + digests + " while it was written; try again");
  }

  /** Whether the bytes of every one of {@code digests} are stored. */
  boolean stored(Collection<Digest> digests) {
    return digests.stream()
        .allMatch(d -> storage.statObject(StoragePaths.blobData(d)).isPresent());
  }

  /**
   * Runs {@code action} under the blob's shared lock: no sweep of the blob runs meanwhile in this
   * process, and other writes of it may. What runs here touches, or writes what the digest names,
   * which is the same whoever does it first.
   */
  <T> T locked(Digest digest, Supplier<T> action) {
    return holding(fence.sharedLockFor(digest), action);
  }

  /**
   * Runs {@code touch} of a pull's link soon, beside the request, under the blob's shared lock
   * ({@link PullTouches#submit}); the request ends after what this answers.
   */
  CompletableFuture<Void> touchSoon(String link, Digest digest, Runnable touch) {
    return fence.pullTouches().submit(link, shared(digest, touch));
  }

  /**
   * Runs {@code touch} of a check's link on the calling thread under the blob's shared lock, or
   * joins the one under way for the link ({@link PullTouches#runHere}); the check answers after
   * what this answers.
   */
  CompletableFuture<Void> touchHere(String link, Digest digest, Runnable touch) {
    return fence.pullTouches().runHere(link, shared(digest, touch));
  }

  /**
   * A check's or pull's touch under the blob's shared lock, as a write's: a sweep or a DELETE in
   * this process (exclusive) never interleaves with it, and writes naming the blob do not wait
   * for it (on a busy store a copy took seconds). {@link PullTouches} keeps it one per link.
   */
  private Runnable shared(Digest digest, Runnable touch) {
    return () -> locked(digest, () -> {
      touch.run();
      return null;
    });
  }

  /** Stops the threads of {@link #touchSoon}. */
  void close() {
    fence.shutdown();
  }

  /**
   * Runs {@code action} under the blob's exclusive lock: no sweep, write or touch of the blob
   * meanwhile in this process (a DELETE: on S3 a touch that copied the link back would undo it).
   */
  <T> T exclusively(Digest digest, Supplier<T> action) {
    return holding(fence.exclusiveLockFor(digest), action);
  }

  private static <T> T holding(Lock lock, Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }
}
