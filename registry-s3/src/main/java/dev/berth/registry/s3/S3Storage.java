package dev.berth.registry.s3;

import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.SizedStream;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.storage.StorageWriter;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link Storage} on an S3-compatible object store (AWS S3, Ceph RADOS Gateway, MinIO, ...).
 *
 * <p>The key of a storage path is the path under the configured root prefix, so the bucket holds
 * exactly registry:2's layout. Every object Berth writes carries its modification time, from the
 * storage's clock, in the metadata {@code x-amz-meta-berth-modified}. Create-if-absent uses the
 * store's conditional writes when a probe at start finds them ({@link #createIfAbsentMode()}).
 * What each operation costs in requests, and what can race: docs/design/s3.md.
 */
public final class S3Storage implements Storage {

  /** Berth's probe objects live under this folder at the root; never listed or walked. */
  public static final String TEMP_DIR = ".berth-tmp";

  private final S3Client s3;
  private final S3Config config;
  private final String bucket;
  private final Keys keys;
  private final ModificationTimes times;
  private final S3Listing listing;
  private final S3Copies copies;
  private final S3Composer composer;
  private final AbandonedUploads abandoned;
  private final CreateIfAbsentMode mode;
  private final KeyLocks locks = new KeyLocks();
  /** Null unless blob GETs are redirected. */
  private final S3Redirects redirects;

  private S3Storage(S3Client s3, S3Config config, Clock clock, CreateIfAbsentMode mode,
      long copyLimit) {
    this.s3 = s3;
    this.config = config;
    this.bucket = config.bucket();
    this.keys = new Keys(config.rootPrefix());
    this.times = new ModificationTimes(clock);
    this.listing = new S3Listing(s3, bucket, keys);
    this.copies = new S3Copies(s3, bucket, copyLimit);
    this.composer = new S3Composer(this, s3, bucket, keys, listing, config.partSize(), copyLimit);
    this.abandoned = new AbandonedUploads(s3, bucket, keys, times);
    this.mode = mode;
    this.redirects = S3Redirects.of(config);
  }

  /**
   * Connects to the store, checks that the bucket answers, and probes for conditional writes.
   *
   * @param clock where modification times come from (the registry's clock)
   * @throws dev.berth.registry.storage.StorageException naming the cause when the endpoint cannot
   *     be reached, the bucket is missing or access is denied
   */
  public static S3Storage open(S3Config config, Clock clock) {
    return open(config, clock, List.of(), S3Copies.COPY_LIMIT);
  }

  /** As {@link #open(S3Config, Clock)}; tests watch requests and lower the copy limit. */
  static S3Storage open(S3Config config, Clock clock, List<ExecutionInterceptor> interceptors,
      long copyLimit) {
    S3Client s3 = S3Clients.build(config, interceptors);
    try {
      S3Clients.checkBucket(s3, config);
      CreateIfAbsentMode mode = config.conditionalWrites()
          ? ConditionalWriteProbe.detect(s3, config.bucket(), new Keys(config.rootPrefix())
              .object(TEMP_DIR + "/probe-" + UUID.randomUUID()))
          : CreateIfAbsentMode.CHECK_THEN_WRITE;
      return new S3Storage(s3, config, clock, mode, copyLimit);
    } catch (RuntimeException e) {
      s3.close();
      throw e;
    }
  }

  /** How this storage creates objects only if absent, as detected at start. */
  public CreateIfAbsentMode createIfAbsentMode() {
    return mode;
  }

  public S3Config config() {
    return config;
  }

  @Override
  public Optional<StorageEntry> stat(String path) {
    try {
      if (!Keys.check(path).isEmpty()) {
        Optional<HeadObjectResponse> head = head(keys.object(path));
        if (head.isPresent()) {
          return Optional.of(new StorageEntry(path, head.get().contentLength(),
              ModificationTimes.of(head.get()), false));
        }
      }
      // A directory exists while some key has its prefix; its time is as the store reports it.
      return listing.first(keys.directory(path))
          .map(o -> new StorageEntry(path, 0, o.lastModified(), true));
    } catch (SdkException e) {
      throw S3Failures.of("stat " + path, e);
    }
  }

  /** One HEAD: a link or a blob's bytes is never a folder, so no LIST to tell one. */
  @Override
  public Optional<StorageEntry> statObject(String path) {
    return headObject(path).map(h -> new StorageEntry(path, h.contentLength(),
        ModificationTimes.of(h), false));
  }

  /** One HEAD: the ETag, which for an object written whole is the MD5 of its content. */
  @Override
  public Optional<String> fingerprint(String path) {
    return headObject(path).map(HeadObjectResponse::eTag);
  }

  /** The HEAD of the object at {@code path}; empty for none (and for the root, never one). */
  private Optional<HeadObjectResponse> headObject(String path) {
    try {
      if (Keys.check(path).isEmpty()) {
        return Optional.empty();
      }
      return head(keys.object(path));
    } catch (SdkException e) {
      throw S3Failures.of("stat " + path, e);
    }
  }

  @Override
  public InputStream open(String path, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    String key = keys.object(path);
    if (path.isEmpty()) {
      throw new ObjectNotFoundException(path);
    }
    try {
      return s3.getObject(b -> b.bucket(bucket).key(key)
          .range(offset > 0 ? "bytes=" + offset + "-" : null));
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        throw new ObjectNotFoundException(path);
      }
      if (S3Failures.isStatus(e, 416) && exists(key)) {
        // 416 InvalidRange: the offset is at (or past) the end, where a file reads as empty.
        return InputStream.nullInputStream();
      }
      throw S3Failures.of("open " + path + " at " + offset, e);
    }
  }

  /**
   * One GET: its {@code Content-Length} is the size, so a blob GET needs no HEAD of the data
   * before it can send its headers (registry:2 asks the store for the size first too).
   */
  @Override
  public SizedStream openSized(String path) {
    if (path.isEmpty()) {
      throw new ObjectNotFoundException(path);
    }
    String key = keys.object(path);
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key));
      return new SizedStream(in, in.response().contentLength());
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        throw new ObjectNotFoundException(path);
      }
      throw S3Failures.of("open " + path, e);
    }
  }

  @Override
  public void write(String path, byte[] content) {
    put(keys.writable(path), "write " + path, RequestBody.fromBytes(content));
  }

  @Override
  public boolean writeIfAbsent(String path, byte[] content) {
    return createIfAbsent(keys.writable(path), "write " + path, RequestBody.fromBytes(content));
  }

  @Override
  public StorageWriter writer(String path) {
    return new S3Writer(this, s3, bucket, path, keys.writable(path), config.partSize());
  }

  @Override
  public void move(String source, String target) {
    String from = keys.object(source);
    String to = keys.writable(target);
    try {
      HeadObjectResponse head = (source.isEmpty() ? Optional.<HeadObjectResponse>empty()
          : head(from)).orElseThrow(() -> new ObjectNotFoundException(source));
      // The target is stamped now: S3 gives a copy a new Last-Modified, and listings must agree.
      copies.copy(from, to, head.contentLength(), times.stampNow());
      if (!from.equals(to)) {
        s3.deleteObject(b -> b.bucket(bucket).key(from));
      }
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        throw new ObjectNotFoundException(source);
      }
      throw S3Failures.of("move " + source + " to " + target, e);
    }
  }

  /** Joined on the server where S3 allows ({@link S3Composer}); one source is a {@code move}. */
  @Override
  public void move(List<String> sources, String target) {
    if (sources.size() < 2 || sources.contains(target)) {
      Storage.super.move(sources, target);
      return;
    }
    try {
      composer.move(sources, target);
    } catch (SdkException e) {
      throw S3Failures.of("move " + sources.size() + " objects to " + target, e);
    }
  }

  /** Aborts the multipart uploads under the root prefix begun before {@code startedBefore}. */
  @Override
  public int discardAbandonedWrites(Instant startedBefore) {
    try {
      return abandoned.abortBefore(startedBefore);
    } catch (SdkException e) {
      throw S3Failures.of("discard multipart uploads begun before " + startedBefore, e);
    }
  }

  @Override
  public boolean delete(String path) {
    String key = deletable(path);
    try {
      // S3's DeleteObject answers 204 whether or not there was an object: ask first.
      if (exists(key)) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
        return true;
      }
      return listing.deleteAll(keys.directory(path), "delete " + path) > 0;
    } catch (SdkException e) {
      throw S3Failures.of("delete " + path, e);
    }
  }

  /** One DeleteObject, which S3 answers alike whether or not the key was there. */
  @Override
  public void discard(String path) {
    String key = deletable(path);
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw S3Failures.of("delete " + path, e);
    }
  }

  private String deletable(String path) {
    if (Keys.check(path).isEmpty()) {
      throw new IllegalArgumentException("refusing to delete the storage root");
    }
    return keys.object(path);
  }

  @Override
  public List<String> list(String directory, String startAfter, int limit) {
    String prefix = keys.directory(directory);
    if (limit <= 0) {
      return List.of();
    }
    try {
      return listing.names(prefix, startAfter, limit, directory.isEmpty() ? TEMP_DIR : null);
    } catch (SdkException e) {
      throw S3Failures.of("list " + directory, e);
    }
  }

  /**
   * One recursive listing (1,000 keys a request) instead of a HEAD per name: a repository's tag
   * folder of 1,000 tags costs two or three LISTs, not 1,000 round trips. Key names only, so the
   * listing's times are not needed.
   */
  @Override
  public List<String> listHolding(String directory, String relative) {
    String prefix = keys.directory(directory);
    String suffix = "/" + relative;
    List<String> holding = new ArrayList<>();
    try {
      listing.keys(prefix, key -> {
        int slash = key.indexOf('/', prefix.length());
        if (slash > prefix.length() && key.length() - slash == suffix.length()
            && key.endsWith(suffix)) {
          holding.add(key.substring(prefix.length(), slash));
        }
      });
    } catch (SdkException e) {
      throw S3Failures.of("list " + directory, e);
    }
    // Keys come in byte order, where "a-b/..." sorts before "a/...": names sort by themselves.
    Collections.sort(holding);
    return holding;
  }

  @Override
  public void walk(String directory, Consumer<StorageEntry> visitor) {
    String prefix = keys.directory(directory);
    try {
      listing.walk(prefix, directory.isEmpty() ? TEMP_DIR + "/" : null, this::entries, visitor);
    } catch (SdkException e) {
      throw S3Failures.of("walk " + directory, e);
    }
  }

  /**
   * The entries of one listing page. Their times are the listing's when the store's clock agrees
   * with the storage clock; otherwise each object is asked (one HEAD each), and objects deleted
   * meanwhile are skipped.
   */
  private List<StorageEntry> entries(ListObjectsV2Response page) {
    boolean listedTimesHold = times.listingAgrees(page.sdkHttpResponse());
    List<StorageEntry> entries = new ArrayList<>(page.contents().size());
    for (S3Object o : page.contents()) {
      String path = listing.path(o);
      if (path == null) {
        continue;
      }
      if (listedTimesHold) {
        entries.add(new StorageEntry(path, o.size(), o.lastModified(), false));
      } else {
        head(o.key()).ifPresent(h -> entries.add(new StorageEntry(path, h.contentLength(),
            ModificationTimes.of(h), false)));
      }
    }
    return entries;
  }

  @Override
  public boolean touch(String path) {
    if (Keys.check(path).isEmpty()) {
      return false;
    }
    String key = keys.object(path);
    try {
      // S3 cannot change metadata in place: the object is copied onto itself with new metadata.
      copies.copy(key, key, -1, times.stampNow());
      return true;
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        return false;
      }
      throw S3Failures.of("touch " + path, e);
    }
  }

  /** A touch is a CopyObject: cheap on Ceph, in proportion to the size on AWS. */
  @Override
  public boolean touchIsCheap() {
    return false;
  }

  /** A presigned GET URL, when {@link S3Config#redirectExpiry()} asks for redirects. */
  @Override
  public Optional<URI> redirectUrl(String path) {
    return redirects == null ? Optional.empty() : redirects.url(path);
  }

  /** Closes the client's connections; stored objects stay. */
  @Override
  public void close() {
    s3.close();
    if (redirects != null) {
      redirects.close();
    }
  }

  @Override
  public String toString() {
    return "S3 storage " + config;
  }

  // What S3Writer shares.

  ModificationTimes times() {
    return times;
  }

  Lock lockFor(String key) {
    return locks.forKey(key);
  }

  boolean exists(String key) {
    return head(key).isPresent();
  }

  /** Whether there is an object at {@code key}; failures are failures of {@code operation}. */
  boolean exists(String key, String operation) {
    try {
      return exists(key);
    } catch (SdkException e) {
      throw S3Failures.of(operation, e);
    }
  }

  /** Writes the object whole, stamped now, replacing any. */
  boolean put(String key, String operation, RequestBody body) {
    Map<String, String> stamp = times.stampNow();
    try {
      s3.putObject(b -> b.bucket(bucket).key(key).metadata(stamp), body);
      return true;
    } catch (SdkException e) {
      throw S3Failures.of(operation, e);
    }
  }

  /** Writes the object whole only if there is none, as {@link #mode} allows. */
  boolean createIfAbsent(String key, String operation, RequestBody body) {
    if (!mode.conditionalPut()) {
      Lock lock = locks.forKey(key);
      lock.lock();
      try {
        return !exists(key, operation) && put(key, operation, body);
      } finally {
        lock.unlock();
      }
    }
    String writeId = UUID.randomUUID().toString();
    Map<String, String> stamp = times.stampNow(writeId);
    for (int attempt = 1; ; attempt++) {
      try {
        s3.putObject(b -> b.bucket(bucket).key(key).metadata(stamp).ifNoneMatch("*"), body);
        return true;
      } catch (SdkException e) {
        if (S3Failures.isPreconditionFailed(e)) {
          return S3Failures.retried(e) && writtenBy(key, writeId, operation);
        }
        // AWS: 409 ConditionalRequestConflict while another conditional write of the key is in
        // flight; asking again settles it (412 if that one created the object).
        if (S3Failures.isStatus(e, 409) && attempt < 5) {
          continue;
        }
        throw S3Failures.of(operation, e);
      }
    }
  }

  /**
   * Whether the object at {@code key} is the one the write {@code writeId} made: after a retried
   * create, the first attempt may have landed without its answer reaching us.
   */
  boolean writtenBy(String key, String writeId, String operation) {
    try {
      return head(key).map(h -> writeId.equals(h.metadata().get(ModificationTimes.WRITE_ID)))
          .orElse(false);
    } catch (SdkException e) {
      throw S3Failures.of(operation, e);
    }
  }

  private Optional<HeadObjectResponse> head(String key) {
    try {
      return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)));
    } catch (SdkException e) {
      if (S3Failures.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
