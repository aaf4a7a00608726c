package dev.berth.registry;

import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.berth.registry.layout.Links;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.storage.StorageWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Upload sessions in storage ({@code _uploads/<id>/}, {@link UploadParts}). Each chunk becomes one
 * object named by its offset and its own write id, kept only if no other chunk is at that offset,
 * so a repeated or concurrent chunk is refused with 416 and never overwrites bytes. The running
 * SHA-256 of a session is kept in memory while chunks arrive at one instance, and the digest of
 * the bytes so far is recorded beside each chunk, so that any instance completes the upload
 * without reading it; only a session continued on an instance without the running hash (a
 * restart, a chunk through another instance) is read again at completion.
 */
final class DefaultUploadService implements UploadService {

  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** The running hash of a session's first {@code size} bytes. */
  private record HashState(long size, MessageDigest sha256) {}

  private final Storage storage;
  private final WriteFence fence;
  private final BlobKeeper keeper;
  private final Clock clock;
  private final Executor digesters;
  private final RepositoryCatalog catalog;
  /** Made on first use, as DefaultManifestService's contents. */
  private final Supplier<Cache<String, HashState>> hashes = Suppliers.memoize(() ->
      CacheBuilder.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofHours(6))
          .<String, HashState>build());

  DefaultUploadService(Storage storage, WriteFence fence, BlobKeeper keeper, Clock clock,
      Executor digesters, RepositoryCatalog catalog) {
    this.storage = storage;
    this.catalog = catalog;
    this.fence = fence;
    this.keeper = keeper;
    this.clock = clock;
    this.digesters = digesters;
  }

  @Override
  public UploadStatus start(RepositoryName repository) {
    String id = UUID.randomUUID().toString();
    // Unflushed: after a power loss a lost session start only makes the client start again (the
    // 202 promised no stored content), and the flush would cost a journal commit per upload.
    storage.write(StoragePaths.uploadStartedAt(repository, id),
        DateTimeFormatter.ISO_INSTANT.format(clock.instant()).getBytes(StandardCharsets.UTF_8),
        false);
    return new UploadStatus(repository, id, 0);
  }

  @Override
  public UploadBody<BlobInfo> receiveWhole(RepositoryName repository, Digest digest, long length) {
    requireVerifiable(digest);
    StorageWriter writer = storage.writer(StoragePaths.blobData(digest));
    MessageDigest md = Digest.newMessageDigest(digest.algorithm());
    return new BodyReceiver<>(writer, md, digesters) {
      @Override
      BlobInfo complete(long received) {
        checkLength(received, length);
        Digest actual = Digest.fromHash(digest.algorithm(), md.digest());
        if (!actual.equals(digest)) {
          throw mismatch(digest, actual);
        }
        keeper.commitLinked(repository, digest, writer, false, () -> collectedMeanwhile(digest));
        return new BlobInfo(digest, received);
      }
    };
  }

  @Override
  public UploadBody<UploadStatus> receiveChunk(RepositoryName repository, String id,
      ContentRange range, long length) {
    requireSession(repository, id);
    UploadParts parts = new UploadParts(storage, repository, id);
    return receiveChunk(repository, id, range, length, false, parts, parts.size());
  }

  @Override
  public UploadBody<BlobInfo> receiveClosing(RepositoryName repository, String id, Digest digest,
      ContentRange range, long length) {
    requireVerifiable(digest);
    requireSession(repository, id);
    UploadParts parts = new UploadParts(storage, repository, id);
    long held = parts.size();
    if (range == null && held == 0) {
      // POST, then the whole blob in one PUT (most clients' push): received as a monolithic push,
      // straight into the blob's place, instead of into a part that is then moved there. Saves a
      // third of the CPU and the metadata writes of a part (bench: push.n).
      return new ChainedBody<>(receiveWhole(repository, digest, length), blob -> {
        deleteSession(repository, id);
        return blob;
      }, refused -> {
        if (refused.code() == ErrorCode.DIGEST_INVALID) {
          deleteSession(repository, id); // as complete() does on a digest that does not match
        }
      });
    }
    return new ChainedBody<>(receiveChunk(repository, id, range, length, true, parts, held),
        status -> complete(repository, id, digest), refused -> { });
  }

  /** A chunk of a session found to exist, which holds {@code offset} bytes in {@code parts}. */
  private UploadBody<UploadStatus> receiveChunk(RepositoryName repository, String id,
      ContentRange range, long length, boolean closing, UploadParts parts, long offset) {
    if (range != null) {
      if (range.start() != offset) {
        throw new RegistryException(ErrorCode.RANGE_INVALID, "chunk " + range.start() + "-"
            + range.end() + " does not continue upload " + id + ", which holds " + offset
            + " bytes: the next chunk must start at " + offset);
      }
      if (length >= 0 && length != range.length()) {
        throw new RegistryException(ErrorCode.SIZE_INVALID, "Content-Length " + length
            + " does not match Content-Range " + range.start() + "-" + range.end());
      }
    }
    String key = sessionKey(repository, id);
    HashState state = hashes.get().asMap().remove(key);
    MessageDigest md = state != null && state.size == offset ? state.sha256
        : offset == 0 ? Digest.newMessageDigest(Digest.SHA256) : null;
    UploadParts.Chunk chunk = parts.chunk(offset);
    StorageWriter writer = chunk.writer();
    return new BodyReceiver<>(writer, md, digesters) {
      @Override
      UploadStatus complete(long received) {
        checkLength(received, length);
        if (range != null && received != range.length()) {
          throw new RegistryException(ErrorCode.SIZE_INVALID, "received " + received
              + " bytes for Content-Range " + range.start() + "-" + range.end());
        }
        return keep(received, closing);
      }

      @Override
      void keepPartial(long received) {
        // A broken-off body is kept for the client to resume: its name is flushed too.
        keep(received, false);
      }

      private UploadStatus keep(long received, boolean movedNext) {
        if (received == 0) {
          writer.cancel();
          remember(offset);
          return new UploadStatus(repository, id, offset);
        }
        if (!chunk.commit(movedNext)) {
          throw new RegistryException(ErrorCode.RANGE_INVALID, "upload " + id
              + " already has a chunk at offset " + offset + " (a repeated or concurrent chunk)");
        }
        Digest upToEnd = digestSoFar(md);
        if (upToEnd != null) {
          chunk.recordDigest(upToEnd);
        }
        remember(offset + received);
        return new UploadStatus(repository, id, offset + received);
      }

      private void remember(long size) {
        if (md != null) {
          hashes.get().put(key, new HashState(size, md));
        }
      }
    };
  }

  @Override
  public Optional<BlobInfo> mount(RepositoryName repository, Digest digest, RepositoryName from) {
    if (Links.find(storage, from, digest).isEmpty()) {
      return Optional.empty();
    }
    return keeper.linkStored(repository, digest).map(e -> new BlobInfo(digest, e.size()));
  }

  @Override
  public Optional<BlobInfo> mountFromAny(RepositoryName repository, Digest digest,
      Predicate<RepositoryName> mayRead) {
    if (storage.statObject(StoragePaths.blobData(digest)).isEmpty()) {
      return Optional.empty();
    }
    if (mayRead.test(repository)) {
      Optional<BlobInfo> here = mount(repository, digest, repository);
      if (here.isPresent()) {
        return here;
      }
    }
    Optional<RepositoryName> source = catalog.findFolder(candidate -> !candidate.equals(repository)
        && Links.find(storage, candidate, digest).isPresent()
        && mayRead.test(candidate));
    return source.flatMap(from -> mount(repository, digest, from));
  }

  @Override
  public UploadStatus status(RepositoryName repository, String id) {
    requireSession(repository, id);
    return new UploadStatus(repository, id, new UploadParts(storage, repository, id).size());
  }

  @Override
  public BlobInfo complete(RepositoryName repository, String id, Digest digest) {
    requireVerifiable(digest);
    requireSession(repository, id);
    UploadParts received = new UploadParts(storage, repository, id);
    List<UploadParts.Part> parts = received.list();
    long total = parts.isEmpty() ? 0 : parts.get(parts.size() - 1).end();
    hashes.get().invalidate(sessionKey(repository, id));
    // The digest the instance that received the last chunk recorded, else the bytes read again.
    Digest recorded = digest.algorithm().equals(Digest.SHA256) ? received.recordedDigest(parts)
        : null;
    Digest actual = recorded != null ? recorded : received.digest(parts, digest.algorithm());
    if (!actual.equals(digest)) {
      deleteSession(repository, id);
      throw mismatch(digest, actual);
    }
    fence.write(() -> {
      keeper.keep(List.of(digest), () -> keeper.keepOrCreate(digest, target -> {
        try {
          // A new object, stamped with the clock's now (Storage#move).
          received.place(parts, target);
        } catch (ObjectNotFoundException e) {
          throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN, "upload " + id + " was"
              + " completed or cancelled concurrently, or its blob was collected meanwhile");
        }
      }, StoragePaths.layerLink(repository, digest)), () -> keeper.stored(List.of(digest)));
      return null;
    });
    deleteSession(repository, id);
    return new BlobInfo(digest, total);
  }

  @Override
  public void cancel(RepositoryName repository, String id) {
    requireSession(repository, id);
    deleteSession(repository, id);
  }

  /**
   * Deletes the sessions of every repository started before {@code cutoff} (with {@code dryRun}
   * only counts them), and the store's abandoned writes ({@link Storage#discardAbandonedWrites}:
   * multipart uploads of killed processes on S3, which nothing else would ever remove).
   */
  int purgeAll(RepositoryCatalog catalog, Instant cutoff, boolean dryRun) {
    int[] purged = {0};
    catalog.forEachFolder(name -> purged[0] += purgeExpired(name, cutoff, id -> { }, dryRun));
    if (!dryRun) {
      storage.discardAbandonedWrites(cutoff);
    }
    return purged[0];
  }

  /**
   * Deletes the sessions started before {@code cutoff}: the one rule for expired uploads, used by
   * the purge and by garbage collection.
   *
   * @param removed told of each expired session
   * @param dryRun only report them
   * @return how many expired
   */
  int purgeExpired(RepositoryName repository, Instant cutoff, Consumer<String> removed,
      boolean dryRun) {
    int purged = 0;
    for (String id : storage.list(StoragePaths.uploadsDirectory(repository))) {
      Instant started = startedAt(repository, id);
      if (started == null || started.isBefore(cutoff)) {
        removed.accept(id);
        if (!dryRun) {
          deleteSession(repository, id);
        }
        purged++;
      }
    }
    return purged;
  }

  /** When a session started, from {@code startedat} (or the storage's time for the folder). */
  private Instant startedAt(RepositoryName repository, String id) {
    String path = StoragePaths.uploadStartedAt(repository, id);
    try {
      String text = new String(storage.read(path), StandardCharsets.UTF_8).trim();
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
    } catch (ObjectNotFoundException | DateTimeException e) {
      return storage.stat(StoragePaths.uploadDirectory(repository, id))
          .map(StorageEntry::modified).orElse(null);
    }
  }

  private void requireSession(RepositoryName repository, String id) {
    if (!SESSION_ID.matcher(id).matches()
        || storage.stat(StoragePaths.uploadStartedAt(repository, id)).isEmpty()) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN,
          "upload " + id + " is not known in repository " + repository
              + " (finished, cancelled, expired, or never started)");
    }
  }

  private void deleteSession(RepositoryName repository, String id) {
    hashes.get().invalidate(sessionKey(repository, id));
    storage.delete(StoragePaths.uploadDirectory(repository, id));
  }

  private static String sessionKey(RepositoryName repository, String id) {
    return repository + "@" + id;
  }

  /** The digest of what {@code md} has seen, leaving it running; null without one. */
  private static Digest digestSoFar(MessageDigest md) {
    if (md == null) {
      return null;
    }
    try {
      return Digest.fromHash(Digest.SHA256, ((MessageDigest) md.clone()).digest());
    } catch (CloneNotSupportedException e) {
      return null; // a provider that cannot fork its state: completion reads the bytes again
    }
  }

  private static void requireVerifiable(Digest digest) {
    if (!digest.isVerifiable()) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "cannot verify content against "
          + digest + ": unsupported algorithm " + digest.algorithm() + " (use sha256 or sha512)");
    }
  }

  private static void checkLength(long received, long declared) {
    if (declared >= 0 && received != declared) {
      throw new RegistryException(ErrorCode.SIZE_INVALID,
          "received " + received + " bytes but Content-Length was " + declared);
    }
  }

  private static RegistryException collectedMeanwhile(Digest digest) {
    return new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "blob " + digest + " was removed"
        + " by a garbage collection on another instance while it was stored; push it again");
  }

  private static RegistryException mismatch(Digest expected, Digest actual) {
    return new RegistryException(ErrorCode.DIGEST_INVALID, "the content's digest is " + actual
        + ", not " + expected + " as given; nothing was stored");
  }
}
