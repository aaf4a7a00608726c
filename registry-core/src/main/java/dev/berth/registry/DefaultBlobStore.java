package dev.berth.registry;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.SizedStream;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.layout.Links;
import dev.berth.registry.layout.StoragePaths;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blobs through {@code _layers} links. A repository's manifests are blobs of it too (through their
 * revision links). The OCI empty blob {@code {}} is a blob like any other here: a manifest that
 * names it without it being pushed links it when accepted ({@link ReferenceCheck}), and a DELETE
 * unlinks it.
 */
final class DefaultBlobStore implements BlobStore {

  static final byte[] EMPTY_JSON = "{}".getBytes(StandardCharsets.UTF_8);

  /**
   * A blob checked (HEAD) is touched at most this often: pushers check a layer with HEAD, skip its
   * upload, and name it in a manifest moments later; the touch keeps a collection from sweeping it
   * in between (docs/design/gc.md). What is touched is the repository's link to the blob, a few
   * bytes, so that where a touch is a copy (S3) it costs the same for any blob.
   */
  static final Duration TOUCH_INTERVAL = Duration.ofSeconds(1);

  /** How long a check or a pull waits at most for the touch it made or found under way. */
  private static final Duration TOUCH_WAIT = Duration.ofSeconds(10);

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /** How many links {@link #touchedAt} remembers before it starts over. */
  private static final int REMEMBERED_TOUCHES = 4096;

  private final Storage storage;
  /**
   * When this instance last touched a link (acknowledged by the storage), so that pulls racing
   * that touch skip theirs; only ever an earlier time than the link's own.
   */
  private final ConcurrentHashMap<String, Instant> touchedAt = new ConcurrentHashMap<>();
  private final Repositories repositories;
  private final boolean deletesEnabled;
  private final BlobKeeper keeper;
  private final Clock clock;
  /** The pull-through cache's blobs, when there is one. */
  private ProxyBlobs proxy;

  DefaultBlobStore(Storage storage, Repositories repositories, boolean deletesEnabled,
      BlobKeeper keeper, Clock clock) {
    this.storage = storage;
    this.repositories = repositories;
    this.deletesEnabled = deletesEnabled;
    this.keeper = keeper;
    this.clock = clock;
  }

  void useProxy(ProxyBlobs blobs) {
    this.proxy = blobs;
  }

  @Override
  public Optional<BlobInfo> stat(RepositoryName repository, Digest digest) {
    Optional<BlobInfo> local = statLocal(repository, digest);
    if (local.isEmpty() && proxy != null && proxy.covers(repository)) {
      return proxy.stat(repository, digest);
    }
    return local;
  }

  private Optional<BlobInfo> statLocal(RepositoryName repository, Digest digest) {
    Optional<StorageEntry> link = Links.find(storage, repository, digest);
    if (link.isEmpty()) {
      return Optional.empty();
    }
    Optional<StorageEntry> data = storage.statObject(StoragePaths.blobData(digest));
    if (data.isPresent()) {
      // Answered after the touch, made here: a DELETE sent after this answer must find none
      // under way.
      PullTouches.await(touch(link.get(), digest, true), TOUCH_WAIT);
    }
    return data.map(e -> new BlobInfo(digest, e.size()));
  }

  /**
   * Touches a link found older than {@link #TOUCH_INTERVAL}: a check's on its own thread
   * ({@code here}, {@link BlobKeeper#touchHere}), a pull's beside the request
   * ({@link BlobKeeper#touchSoon}: on an object store busy with large GETs a touch took over a
   * second, and every pull of the blob waited for it). Requests that read the link as old
   * together make one touch, and those after it none until the interval has passed again.
   */
  private CompletableFuture<Void> touch(StorageEntry link, Digest digest, boolean here) {
    Instant stale = clock.instant().minus(TOUCH_INTERVAL);
    if (!link.modified().isBefore(stale) || touchedSince(link.path(), stale)) {
      return DONE;
    }
    Runnable touch = () -> {
      Instant now = clock.instant();
      // Again when it runs: a touch queued or made before may have landed meanwhile.
      if (touchedSince(link.path(), now.minus(TOUCH_INTERVAL))) {
        return;
      }
      if (storage.touch(link.path())) {
        if (touchedAt.size() >= REMEMBERED_TOUCHES) {
          touchedAt.clear();
        }
        touchedAt.put(link.path(), now);
      }
    };
    return here ? keeper.touchHere(link.path(), digest, touch)
        : keeper.touchSoon(link.path(), digest, touch);
  }

  /** Whether this instance touched {@code link} at or after {@code since}. */
  private boolean touchedSince(String link, Instant since) {
    Instant last = touchedAt.get(link);
    return last != null && !last.isBefore(since);
  }

  /** Stops the threads that touch for checks and pulls. */
  void close() {
    keeper.close();
  }

  /**
   * The link, then the bytes with their size in one read (no stat of the data), then the touch
   * {@link #stat} makes: the same answers as {@code require} then {@code openFound}, one storage
   * request fewer on S3. A proxied repository reads what it has the same way and asks the
   * pull-through cache for the rest.
   */
  @Override
  public SizedStream openWhole(RepositoryName repository, Digest digest) {
    boolean proxied = proxy != null && proxy.covers(repository);
    Optional<SizedStream> local = openLocal(repository, digest);
    if (local.isPresent()) {
      if (proxied) {
        proxy.hit();
      }
      return local.get();
    }
    if (!proxied) {
      throw unknown(repository, digest);
    }
    // Not here: a cold blob is one upstream GET; one stored or being fetched is read as a range.
    Optional<SizedStream> fetched = proxy.fetchWhole(repository, digest);
    return fetched.isPresent() ? fetched.get() : BlobStore.super.openWhole(repository, digest);
  }

  /** The link, the bytes with their size, the touch; empty when any of them is missing. */
  private Optional<SizedStream> openLocal(RepositoryName repository, Digest digest) {
    Optional<StorageEntry> link = Links.find(storage, repository, digest);
    if (link.isEmpty()) {
      return Optional.empty();
    }
    SizedStream data;
    try {
      data = storage.openSized(StoragePaths.blobData(digest));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
    CompletableFuture<Void> touch = touch(link.get(), digest, false);
    if (touch.isDone()) {
      return Optional.of(data);
    }
    // The bytes flow meanwhile; the last ones wait for the touch (see stat).
    return Optional.of(new SizedStream(new LastBytesAfter(data.in(), data.size(), touch),
        data.size()));
  }

  /**
   * A blob's bytes whose last ones are read only after {@code touch} has ended: a client has its
   * whole answer only then (PullTouches).
   */
  private static final class LastBytesAfter extends FilterInputStream {
    private final CompletableFuture<Void> touch;
    private long left;

    LastBytesAfter(InputStream in, long size, CompletableFuture<Void> touch) {
      super(in);
      this.left = size;
      this.touch = touch;
    }

    private void beforeReading(long asked) {
      if (asked >= left && !touch.isDone()) {
        PullTouches.await(touch, TOUCH_WAIT);
      }
    }

    @Override
    public int read() throws IOException {
      beforeReading(1);
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      beforeReading(len);
      int n = super.read(b, off, len);
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      beforeReading(n);
      long skipped = super.skip(n);
      left -= skipped;
      return skipped;
    }
  }

  @Override
  public BlobInfo require(RepositoryName repository, Digest digest) {
    return stat(repository, digest).orElseThrow(() -> unknown(repository, digest));
  }

  @Override
  public InputStream open(RepositoryName repository, Digest digest, long offset) {
    if (isLinked(repository, digest)) {
      try {
        InputStream in = storage.open(StoragePaths.blobData(digest), offset);
        if (proxy != null && proxy.covers(repository)) {
          proxy.hit();
        }
        return in;
      } catch (ObjectNotFoundException e) {
        // Linked but its bytes are gone (collected): unknown, or fetched again.
      }
    }
    if (proxy != null && proxy.covers(repository)) {
      return proxy.open(repository, digest, offset);
    }
    throw unknown(repository, digest);
  }

  @Override
  public InputStream openFound(RepositoryName repository, BlobInfo found, long offset) {
    if (proxy != null && proxy.covers(repository)) {
      return open(repository, found.digest(), offset);
    }
    try {
      return storage.open(StoragePaths.blobData(found.digest()), offset);
    } catch (ObjectNotFoundException e) {
      throw unknown(repository, found.digest());
    }
  }

  @Override
  public Optional<URI> redirect(RepositoryName repository, Digest digest) {
    if (proxy != null && proxy.covers(repository)) {
      return Optional.empty();
    }
    return storage.redirectUrl(StoragePaths.blobData(digest));
  }

  @Override
  public void delete(RepositoryName repository, Digest digest) {
    if (!deletesEnabled) {
      throw new RegistryException(ErrorCode.UNSUPPORTED, "deletes are disabled on this registry");
    }
    // Under the blob's exclusive lock, which waits for a touch here (each holds the shared side):
    // where a touch is a copy of the link onto itself (S3), one under way would otherwise write
    // the link back after this.
    if (!keeper.exclusively(digest,
        () -> storage.delete(StoragePaths.layerLink(repository, digest)))) {
      throw unknown(repository, digest);
    }
    Removals.removed(storage, repository);
  }

  boolean isLinked(RepositoryName repository, Digest digest) {
    return Links.find(storage, repository, digest).isPresent();
  }

  private RegistryException unknown(RepositoryName repository, Digest digest) {
    return repositories.notFound(repository, ErrorCode.BLOB_UNKNOWN,
        BlobStore.unknownMessage(repository, digest));
  }
}
