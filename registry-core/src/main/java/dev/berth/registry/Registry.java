package dev.berth.registry;

import dev.berth.registry.events.EventSink;
import dev.berth.registry.events.NotificationEndpoint;
import dev.berth.registry.gc.CollectionInProgressException;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.metrics.MeasuredStorage;
import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.referrers.ReferrersPage;
import dev.berth.registry.referrers.StorageReferrersIndex;
import dev.berth.registry.storage.FileSystemStorage;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.upstream.CacheEviction;
import dev.berth.registry.upstream.CachePolicy;
import dev.berth.registry.upstream.ProxyStats;
import dev.berth.registry.upstream.Upstream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An OCI registry as a library: the operations of the distribution API, over one {@link Storage}.
 * Thread-safe; prints nothing, and starts no thread of its own except short-lived daemon threads
 * that digest large uploads beside the request thread. Start with {@link #builder()}.
 *
 * <pre>{@code
 * Registry registry = Registry.builder().filesystem(Path.of("data")).build();
 * }</pre>
 */
public final class Registry implements AutoCloseable {

  private final Storage storage;
  /** Whether the builder made the storage (then closing the registry closes it). */
  private final boolean ownsStorage;
  private final RegistryOptions options;
  private final Services services;
  private final StartReport startReport;
  private final Notifier notifier;
  /** Serving read-only: the HTTP layer refuses writes, the maintenance schedule pauses. */
  private volatile boolean readOnly;
  private volatile boolean closed;

  private Registry(Builder b) {
    this.storage = Objects.requireNonNull(b.storage, "storage");
    this.ownsStorage = b.storageFactory != null;
    this.options = b.options;
    this.services = Services.wire(storage, b);
    this.readOnly = b.readOnly;
    this.startReport = b.recoverOnStart
        ? services.upkeep().recover(b.purgeUploadsOnStart && !b.readOnly)
        : StartReport.NOTHING;
    this.notifier = Notifier.start(b.endpoints, services.served(), b.clock, b.metrics);
  }

  /**
   * Where the HTTP layer reports pushes, pulls, mounts and deletes, and what their delivery did
   * ({@link EventSink#stats()}; docs/design/webhooks.md).
   */
  public EventSink events() {
    return notifier;
  }

  /** What the registry found and did when it was built over its storage. */
  public StartReport startReport() {
    return startReport;
  }

  public static Builder builder() {
    return new Builder();
  }

  public BlobStore blobs() {
    return live().blobs();
  }

  public UploadService uploads() {
    return live().measuredUploads();
  }

  public ManifestService manifests() {
    return live().manifests();
  }

  public TagStore tags() {
    return live().tags();
  }

  /** Repositories in lexical order, strictly after {@code last} (null for the start). */
  public Page catalog(String last, int limit) {
    return live().catalog().list(last, limit);
  }

  /**
   * Repositories in lexical order, strictly after {@code last}, that {@code visible} accepts: the
   * catalog as a caller who may read only some repositories sees it. A page holds {@code limit}
   * visible names whenever that many remain; {@link Page#next()} is set only when another visible
   * one follows.
   */
  public Page catalog(String last, int limit, Predicate<RepositoryName> visible) {
    return live().catalog().list(last, limit, visible);
  }

  /**
   * One page of the referrers of {@code subject} in {@code repository}, in ascending digest order.
   * An unknown repository or subject has no referrers (an empty page, never an error).
   *
   * @param artifactType only referrers of this type, or null
   * @param after the {@code next} of the previous page, or null
   * @param limit clamped to 1..{@link RegistryOptions#maxPageSize()}
   */
  public ReferrersPage referrers(RepositoryName repository, Digest subject, String artifactType,
      Digest after, int limit) {
    return live().referrers(repository, subject, artifactType, after,
        Math.max(1, Math.min(limit, options.maxPageSize())));
  }

  /** Rebuilds the referrers index from stored manifests and fallback tags; marks it complete. */
  public ReindexReport reindex() {
    return live().upkeep().reindex();
  }

  /** Whether the referrers index has been built over this storage (by {@link #reindex()}). */
  public boolean referrersIndexBuilt() {
    return Reindexer.isMarked(live().served());
  }

  /**
   * Collects garbage: unreachable manifests, referrers of collected subjects, unused blobs, expired
   * uploads. One collection runs at a time over a storage, whichever instance starts it: a lease
   * in the storage says which (docs/design/gc.md); a dry run needs none.
   *
   * @throws CollectionInProgressException when another collection holds the lease, or took it
   *     over while this one ran
   */
  public GcReport collectGarbage(GcOptions gcOptions) {
    return live().upkeep().collectGarbage(gcOptions);
  }

  /** Deletes upload sessions older than {@link RegistryOptions#uploadMaxAge()}; how many. */
  public int purgeUploads() {
    return purgeUploads(false);
  }

  /**
   * Deletes upload sessions older than {@link RegistryOptions#uploadMaxAge()}, or with
   * {@code dryRun} only counts them (distribution's {@code uploadpurging.dryrun}); how many.
   */
  public int purgeUploads(boolean dryRun) {
    return live().upkeep().purgeUploads(dryRun);
  }

  /**
   * Whether the registry serves read-only (distribution's maintenance read-only mode): while on,
   * {@code BerthServlet} refuses every write with 405 and the maintenance schedule (garbage
   * collection, upload purging) pauses; reads go on. Calls made on this object directly are not
   * refused: it is a serving mode, switched at runtime by an operator.
   */
  public boolean readOnly() {
    return readOnly;
  }

  /** Switches read-only mode on or off at once; requests already past the check finish. */
  public void setReadOnly(boolean on) {
    this.readOnly = on;
  }

  public RegistryOptions options() {
    return options;
  }

  /** What the pull-through cache did so far ({@link ProxyStats#NONE} without an upstream). */
  public ProxyStats proxyStats() {
    return live().proxy() == null ? ProxyStats.NONE : live().proxy().counters.snapshot();
  }

  /** Evicts the least recently pulled cached content its {@link CachePolicy} limits. */
  public CacheEviction evictProxyCache() {
    return live().proxy() == null ? CacheEviction.NONE : live().proxy().eviction.run();
  }

  /** The storage as given (services use a {@link MeasuredStorage}); readable after close. */
  public Storage storage() {
    return storage;
  }

  public ReferrersIndex referrersIndex() {
    return live().referrersIndex();
  }

  /**
   * Releases what the registry holds: its digest threads, and the storage when the builder made it
   * ({@link Builder#inMemory()}, {@link Builder#filesystem}). Stored data stays. Then every operation
   * throws {@link IllegalStateException} (a closed heap registry would go on answering, and a test
   * reading one should be told); services taken before are not re-checked. Twice does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    notifier.close();
    services.close();
    if (ownsStorage) {
      storage.close();
    }
  }

  @Override
  public String toString() {
    return (closed ? "closed Berth registry on " : "Berth registry on ") + storage;
  }

  /** The services, unless {@link #close()} ran. */
  private Services live() {
    if (closed) {
      throw new IllegalStateException(this + ": it was closed; build a new Registry");
    }
    return services;
  }

  /** Configures a {@link Registry}; everything but the storage has a default. */
  public static final class Builder {
    private Storage storage;
    private java.util.function.Function<Clock, Storage> storageFactory;
    ReferrersIndex referrersIndex;
    RegistryOptions options = RegistryOptions.defaults();
    Clock clock = Clock.systemUTC();
    long manifestCacheBytes = Upkeep.heapShare(8, 64);
    long tagCacheBytes = Upkeep.heapShare(16, 32);
    long referrersCacheBytes = StorageReferrersIndex.DEFAULT_CACHE_BYTES;
    private boolean recoverOnStart = true;
    Upstream upstream;
    CachePolicy cachePolicy = CachePolicy.DEFAULT;
    private boolean purgeUploadsOnStart = true;
    private boolean readOnly;
    RegistryMetrics metrics = RegistryMetrics.NONE;
    List<NotificationEndpoint> endpoints = List.of();

    private Builder() {}

    /** Webhook receivers told of pushes, pulls, mounts and deletes (docs/design/webhooks.md). */
    public Builder notifications(List<NotificationEndpoint> endpoints) {
      this.endpoints = List.copyOf(endpoints);
      return this;
    }

    /** Where to report the registry's work (docs/design/metrics.md); nowhere by default. */
    public Builder metrics(RegistryMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Makes the registry a pull-through cache of {@code upstream} for the repositories it
     * covers: reads that storage cannot answer are fetched and kept (docs/proxy.md). Null for
     * none (the default).
     */
    public Builder upstream(Upstream upstream) {
      return upstream(upstream, CachePolicy.DEFAULT);
    }

    /** The same, with which pushes covered repositories take and what is evicted. */
    public Builder upstream(Upstream upstream, CachePolicy policy) {
      this.upstream = upstream;
      this.cachePolicy = Objects.requireNonNull(policy);
      return this;
    }

    /**
     * The storage to serve from. Give it the same clock as {@link #clock}, so that its modification
     * times and the registry's ages agree; {@link #inMemory()} and {@link #filesystem} do that.
     */
    public Builder storage(Storage storage) {
      this.storage = Objects.requireNonNull(storage);
      this.storageFactory = null;
      return this;
    }

    /** Heap storage and a heap referrers index: for tests. */
    public Builder inMemory() {
      this.storage = null;
      this.storageFactory = InMemoryStorage::create;
      return this;
    }

    /** Durable filesystem storage in the registry:2 layout under {@code root}. */
    public Builder filesystem(Path root) {
      return filesystem(root, true);
    }

    /**
     * Filesystem storage in the registry:2 layout under {@code root}.
     *
     * @param durable flush each write to the disk before it is acknowledged (survives power loss)
     */
    public Builder filesystem(Path root, boolean durable) {
      this.storage = null;
      this.storageFactory = clock -> FileSystemStorage.at(root, clock, durable);
      return this;
    }

    /** The referrers index; by default in the heap for heap storage, else kept in the storage. */
    public Builder referrersIndex(ReferrersIndex index) {
      this.referrersIndex = index;
      return this;
    }

    public Builder options(RegistryOptions options) {
      this.options = Objects.requireNonNull(options);
      return this;
    }

    public Builder deletesEnabled(boolean enabled) {
      return options(options.withDeletesEnabled(enabled));
    }

    public Builder deleteReferrersWithSubject(boolean enabled) {
      return options(options.withDeleteReferrersWithSubject(enabled));
    }

    public Builder uploadMaxAge(Duration age) {
      return options(options.withUploadMaxAge(age));
    }

    /**
     * Bytes of manifest content to keep in memory (content is immutable per digest); by default
     * an eighth of the heap, at most 64 MiB.
     */
    public Builder manifestCacheBytes(long bytes) {
      this.manifestCacheBytes = bytes;
      return this;
    }

    /**
     * Bytes of heap the cached tag listings may hold (each repository's sorted names); by default
     * a sixteenth of the heap, at most 32 MiB.
     */
    public Builder tagCacheBytes(long bytes) {
      this.tagCacheBytes = bytes;
      return this;
    }

    /**
     * Bytes of heap the referrers index may hold in loaded subjects (when it is the storage-kept
     * index this builder makes); by default three eighths of the heap, at most 64 MiB.
     */
    public Builder referrersCacheBytes(long bytes) {
      this.referrersCacheBytes = bytes;
      return this;
    }

    /** Starts read-only ({@link Registry#readOnly()}); then the start purges no uploads either. */
    public Builder readOnly(boolean on) {
      this.readOnly = on;
      return this;
    }

    /**
     * Whether the start removes expired upload sessions (the default); off when purging is
     * disabled or only reported (distribution's {@code uploadpurging.enabled: false} or
     * {@code dryrun}).
     */
    public Builder purgeUploadsOnStart(boolean purge) {
      this.purgeUploadsOnStart = purge;
      return this;
    }

    /**
     * Whether {@link #build()} puts right what a crash left, builds a missing referrers index and
     * purges expired uploads before returning (the default), or leaves that to explicit calls.
     */
    public Builder recoverOnStart(boolean recover) {
      this.recoverOnStart = recover;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Registry build() {
      if (storageFactory != null) {
        storage = storageFactory.apply(clock);
      }
      return new Registry(this);
    }
  }
}
