package dev.berth.registry;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.berth.registry.layout.Links;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.SizedStream;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageWriter;
import dev.berth.registry.upstream.ProxyStats.Kind;
import dev.berth.registry.upstream.UpstreamBlob;
import dev.berth.registry.upstream.UpstreamUnavailableException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Blob reads of covered repositories that storage cannot answer. A {@code HEAD} asks the upstream
 * once per repository and digest (concurrent asks share one request; a size, like the digest it
 * belongs to, never changes, so it is remembered). A {@code GET} of a missing blob is one fetch
 * per digest in this process however many clients ask: the first client reads the upstream body
 * as it is stored ({@link FetchingStream}); the others wait for that fetch and read the stored
 * blob, or fetch again themselves if it failed. A fetch ends when its blob is committed, which
 * runs off the first client's path ({@link FetchCommits}): that client's answer does not wait for
 * the disk, and anyone asking before the commit is done waits for it like any other waiter. A
 * client waiting for a fetch that its first client paces (a client slower than the upstream)
 * reads the upstream itself after {@link #PATIENCE}, without storing ({@link #readThrough}). A
 * blob stored already for another repository is linked into this one once the upstream confirms
 * it has it there. A whole {@code GET} of a blob nobody stored or fetches yet ({@link #fetchWhole})
 * asks no {@code HEAD} first: the upstream {@code GET}'s length is the size.
 */
final class ProxyBlobs {

  /** One fetch in flight; {@link #done} opens when it has ended, stored or not. */
  private static final class Flight {
    final CountDownLatch done = new CountDownLatch(1);
    /** The first client's read of the body, once the upstream answered. */
    volatile FetchingStream stream;
  }

  /**
   * How long a client waits for a fetch that its first client paces before it reads the upstream
   * itself: a client that reads slower than the upstream sends must not set the pace for everyone
   * who asks for the blob meanwhile.
   */
  static final Duration PATIENCE = Duration.ofSeconds(5);

  private final ProxyCache cache;
  private final Storage storage;
  private final BlobKeeper keeper;
  private final Cache<String, Long> sizes = CacheBuilder.newBuilder().maximumSize(100_000).build();
  private final ConcurrentHashMap<String, CompletableFuture<Optional<Long>>> asking =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Digest, Flight> fetching = new ConcurrentHashMap<>();
  private final FetchCommits commits = FetchCommits.create();

  ProxyBlobs(ProxyCache cache, Storage storage, BlobKeeper keeper) {
    this.cache = cache;
    this.storage = storage;
    this.keeper = keeper;
  }

  boolean covers(RepositoryName repository) {
    return cache.covers(repository);
  }

  /** Counts a read of a covered repository that storage answered. */
  void hit() {
    cache.counters.hit(Kind.BLOB);
  }

  /** The blob as the upstream has it, for a blob not visible in the repository. */
  Optional<BlobInfo> stat(RepositoryName repository, Digest digest) {
    Optional<Long> size = upstreamSize(repository, digest);
    if (size.isPresent() && storage.statObject(StoragePaths.blobData(digest)).isPresent()) {
      awaitFetch(digest);
      link(repository, digest);
    }
    return size.map(s -> new BlobInfo(digest, s));
  }

  /** Opens a blob not visible in the repository, fetching it unless a fetch is under way. */
  InputStream open(RepositoryName repository, Digest digest, long offset) {
    String data = StoragePaths.blobData(digest);
    while (true) {
      if (storage.statObject(data).isPresent()) {
        awaitFetch(digest);
        if (upstreamSize(repository, digest).isPresent() && link(repository, digest)) {
          try {
            cache.counters.hit(Kind.BLOB);
            return storage.open(data, offset);
          } catch (ObjectNotFoundException e) {
            // Collected between the link and the open: fetch it.
          }
        }
      }
      Flight mine = new Flight();
      Flight running = fetching.putIfAbsent(digest, mine);
      if (running == null) {
        return lead(repository, digest, offset, mine).in();
      }
      if (!awaitUnlessPaced(running, digest)) {
        return readThrough(repository, digest, offset);
      }
    }
  }

  /**
   * Waits for a fetch to end, unless its first client paces it: then, after {@link #PATIENCE},
   * false. A fetch the upstream or the storage paces is waited for however long it takes (one
   * upstream read for everyone), and so is a commit once the body is in.
   */
  private static boolean awaitUnlessPaced(Flight running, Digest digest) {
    long patient = System.nanoTime() + PATIENCE.toNanos();
    try {
      while (!running.done.await(200, TimeUnit.MILLISECONDS)) {
        FetchingStream stream = running.stream;
        if (System.nanoTime() - patient >= 0 && stream != null && stream.pacedByClient()) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(digest);
    }
  }

  /**
   * The blob read from the upstream for this client alone, checked against its digest and size
   * as a fetch is, and not stored: the fetch under way stores it. What registry:2's proxy does
   * for every client that asks while a fetch is under way; here only for one that waited
   * {@link #PATIENCE} for a fetch another client paces.
   */
  private InputStream readThrough(RepositoryName repository, Digest digest, long offset) {
    UpstreamBlob body;
    try {
      body = cache.upstream.openBlob(repository, digest).orElse(null);
    } catch (UpstreamUnavailableException e) {
      throw cache.unavailable("blob " + digest + " of " + repository, e);
    }
    if (body == null) {
      throw unknownUpstream(repository, digest);
    }
    cache.counters.miss(Kind.BLOB);
    return new FetchingStream(body, digest, offset, null,
        n -> cache.counters.fetched(Kind.BLOB, n), FetchingStream.Ending.NONE);
  }

  /**
   * Waits for a fetch of the digest under way whose bytes are stored already: its commit places
   * the bytes, then writes the link, and a reader that found the bytes could otherwise link and
   * answer while the commit's own link write is still to come. A reader that finds no bytes does
   * not call this: a HEAD answers from the upstream's size at once, however long a fetch takes.
   */
  private void awaitFetch(Digest digest) {
    Flight running = fetching.get(digest);
    if (running != null) {
      await(running, digest);
    }
  }

  private static void await(Flight running, Digest digest) {
    try {
      running.done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw interrupted(digest);
    }
  }

  private static RegistryException interrupted(Digest digest) {
    return new RegistryException(ErrorCode.UNAVAILABLE, "interrupted while blob " + digest
        + " was fetched from the upstream");
  }

  /**
   * A whole blob that is neither stored nor being fetched, fetched with one upstream {@code GET}
   * whose {@code Content-Length} is the size the answer declares (a cold pull through
   * registry:2's proxy is a {@code HEAD} and a {@code GET} upstream per blob; this is the
   * {@code GET}). Empty when the blob is stored already or another client's fetch has it, or
   * its digest cannot be checked while stored: then {@code stat} and {@code open} answer as for
   * a ranged read.
   *
   * @throws RegistryException {@code BLOB_UNKNOWN} when the upstream has no such blob
   */
  Optional<SizedStream> fetchWhole(RepositoryName repository, Digest digest) {
    if (!digest.isVerifiable() || storage.statObject(StoragePaths.blobData(digest)).isPresent()) {
      return Optional.empty();
    }
    Flight mine = new Flight();
    if (fetching.putIfAbsent(digest, mine) != null) {
      return Optional.empty();
    }
    SizedStream fetched = lead(repository, digest, 0, mine);
    if (fetched.size() >= 0) {
      return Optional.of(fetched);
    }
    // No length from the upstream (a chunked answer): its HEAD gives the size, as for a range.
    try {
      long size = upstreamSize(repository, digest)
          .orElseThrow(() -> unknownUpstream(repository, digest));
      return Optional.of(new SizedStream(fetched.in(), size));
    } catch (RuntimeException e) {
      closeQuietly(fetched.in()); // the fetch ends as failed
      throw e;
    }
  }

  /** The first client's read of a fetch, with the length the upstream declared (or -1). */
  private SizedStream lead(RepositoryName repository, Digest digest, long offset, Flight mine) {
    UpstreamBlob body;
    try {
      body = cache.upstream.openBlob(repository, digest).orElse(null);
    } catch (UpstreamUnavailableException e) {
      end(digest, mine);
      throw cache.unavailable("blob " + digest + " of " + repository, e);
    } catch (RuntimeException e) {
      end(digest, mine);
      throw e;
    }
    if (body == null) {
      end(digest, mine);
      throw unknownUpstream(repository, digest);
    }
    cache.counters.miss(Kind.BLOB);
    StorageWriter writer;
    try {
      writer = storage.writer(StoragePaths.blobData(digest));
    } catch (RuntimeException e) {
      // No temporary file (disk full, its folder gone): this fetch is over, or every later
      // client of the digest would wait for it forever.
      closeQuietly(body.stream());
      end(digest, mine);
      throw e;
    }
    FetchingStream stream = new FetchingStream(body, digest, offset, writer,
        n -> cache.counters.fetched(Kind.BLOB, n),
        new FetchingStream.Ending() {
          @Override
          public void verified(long size) {
            sizes.put(key(repository, digest), size);
            commits.submit(() -> commit(repository, digest, writer, mine));
          }

          @Override
          public void failed() {
            end(digest, mine);
          }
        });
    mine.stream = stream;
    return new SizedStream(stream, body.size());
  }

  private static RegistryException unknownUpstream(RepositoryName repository, Digest digest) {
    return new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + digest
        + " is not known in repository " + repository + ", nor upstream");
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (java.io.IOException ignored) {
      // Abandoned: nothing to keep.
    }
  }

  private void end(Digest digest, Flight flight) {
    fetching.remove(digest, flight);
    flight.done.countDown();
  }

  /**
   * Makes a verified fetched blob durable and visible, as an upload's completion does
   * (DefaultUploadService), then ends its fetch: the clients waiting for it read it from storage,
   * or fetch again if this failed (the client that read the fetch has its bytes either way).
   */
  private void commit(RepositoryName repository, Digest digest, StorageWriter writer,
      Flight flight) {
    try {
      keeper.commitLinked(repository, digest, writer, true, () -> new RegistryException(
          ErrorCode.UNAVAILABLE, "blob " + digest + " was collected on another instance while"
          + " it was fetched"));
    } catch (RuntimeException e) {
      writer.cancel();
      System.getLogger(ProxyBlobs.class.getName()).log(System.Logger.Level.WARNING,
          "blob " + digest + " of " + repository + " was fetched and verified but not stored"
          + " (it is fetched again on its next pull): " + e);
    } finally {
      end(digest, flight);
    }
  }

  /** Waits for the fetched blobs being committed (the registry is closing). */
  void close() {
    commits.close(Duration.ofSeconds(30));
  }

  /** Links a stored blob into the repository, as a mount does; false if it was collected. */
  private boolean link(RepositoryName repository, Digest digest) {
    return keeper.linkStored(repository, digest).isPresent();
  }

  /** The upstream's size of the blob: one request per key at a time, remembered once known. */
  private Optional<Long> upstreamSize(RepositoryName repository, Digest digest) {
    if (!digest.isVerifiable()) {
      return Optional.empty(); // could never be checked while it is stored
    }
    String key = key(repository, digest);
    Long known = sizes.getIfPresent(key);
    if (known != null) {
      return Optional.of(known);
    }
    CompletableFuture<Optional<Long>> mine = new CompletableFuture<>();
    CompletableFuture<Optional<Long>> running = asking.putIfAbsent(key, mine);
    if (running == null) {
      running = mine;
      try {
        Optional<Long> size = cache.upstream.blobSize(repository, digest);
        size.ifPresent(s -> sizes.put(key, s));
        mine.complete(size);
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
      } finally {
        asking.remove(key, mine);
      }
    }
    try {
      return running.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UpstreamUnavailableException u) {
        throw cache.unavailable("blob " + digest + " of " + repository, u);
      }
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static String key(RepositoryName repository, Digest digest) {
    return repository + "@" + digest;
  }
}
