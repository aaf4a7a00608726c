package dev.berth.registry;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.storage.StorageWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.regex.Pattern;
import dev.berth.registry.layout.Links;

/**
 * Upload sessions in storage ({@code _uploads/<id>/}). Each chunk becomes one object named by its
 * offset, committed only if no chunk holds that offset yet, so a repeated or concurrent chunk is
 * refused with 416 and never overwrites bytes. The running SHA-256 of a session is kept in memory
 * as a cache; after a restart, or on another instance, the chunks are read again to verify.
 */
final class DefaultUploadService implements UploadService {

  private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int BUFFER = 256 * 1024;

  /** The running hash of a session's first {@code size} bytes. */
  private record HashState(long size, MessageDigest sha256) {}

  private final Storage storage;
  private final WriteFence fence;
  private final Clock clock;
  private final Cache<String, HashState> hashes = CacheBuilder.newBuilder()
      .maximumSize(10_000).expireAfterAccess(Duration.ofHours(6)).build();

  DefaultUploadService(Storage storage, WriteFence fence, Clock clock) {
    this.storage = storage;
    this.fence = fence;
    this.clock = clock;
  }

  @Override
  public UploadStatus start(RepositoryName repository) {
    String id = UUID.randomUUID().toString();
    storage.write(StoragePaths.uploadStartedAt(repository, id),
        DateTimeFormatter.ISO_INSTANT.format(clock.instant()).getBytes(StandardCharsets.UTF_8));
    return new UploadStatus(repository, id, 0);
  }

  @Override
  public BlobInfo putWhole(RepositoryName repository, Digest digest, InputStream body, long length) {
    requireVerifiable(digest);
    MessageDigest md = Digest.newMessageDigest(digest.algorithm());
    try (StorageWriter writer = storage.writer(StoragePaths.blobData(digest))) {
      long received = DigestingCopy.copy(body, writer, md);
      checkLength(received, length);
      Digest actual = Digest.fromHash(digest.algorithm(), md.digest());
      if (!actual.equals(digest)) {
        throw mismatch(digest, actual);
      }
      return fence.write(() -> {
        Lock lock = fence.lockFor(digest);
        lock.lock();
        try {
          writer.commit();
          Links.write(storage, StoragePaths.layerLink(repository, digest), digest);
        } finally {
          lock.unlock();
        }
        return new BlobInfo(digest, received);
      });
    }
  }

  @Override
  public Optional<BlobInfo> mount(RepositoryName repository, Digest digest, RepositoryName from) {
    String fromLink = StoragePaths.layerLink(from, digest);
    if (storage.stat(fromLink).isEmpty()
        && storage.stat(StoragePaths.revisionLink(from, digest)).isEmpty()) {
      return Optional.empty();
    }
    return fence.write(() -> {
      String data = StoragePaths.blobData(digest);
      Lock lock = fence.lockFor(digest);
      lock.lock();
      try {
        Optional<StorageEntry> entry = storage.touch(data) ? storage.stat(data) : Optional.empty();
        if (entry.isEmpty()) {
          return Optional.<BlobInfo>empty();
        }
        Links.write(storage, StoragePaths.layerLink(repository, digest), digest);
        return Optional.of(new BlobInfo(digest, entry.get().size()));
      } finally {
        lock.unlock();
      }
    });
  }

  @Override
  public UploadStatus append(RepositoryName repository, String id, InputStream body,
      ContentRange range, long length) {
    requireSession(repository, id);
    long offset = currentSize(repository, id);
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
    HashState state = hashes.asMap().remove(key);
    MessageDigest md = null;
    if (state != null && state.size == offset) {
      md = state.sha256;
    } else if (offset == 0) {
      md = Digest.newMessageDigest(Digest.SHA256);
    }
    try (StorageWriter writer = storage.writer(StoragePaths.uploadPart(repository, id, offset))) {
      long received = DigestingCopy.copy(body, writer, md);
      checkLength(received, length);
      if (range != null && received != range.length()) {
        throw new RegistryException(ErrorCode.SIZE_INVALID, "received " + received
            + " bytes for Content-Range " + range.start() + "-" + range.end());
      }
      if (received == 0) {
        if (md != null) {
          hashes.put(key, new HashState(offset, md));
        }
        return new UploadStatus(repository, id, offset);
      }
      if (!writer.commitIfAbsent()) {
        throw new RegistryException(ErrorCode.RANGE_INVALID, "upload " + id
            + " already has a chunk at offset " + offset + " (a repeated or concurrent chunk)");
      }
      if (md != null) {
        hashes.put(key, new HashState(offset + received, md));
      }
      return new UploadStatus(repository, id, offset + received);
    }
  }

  @Override
  public UploadStatus status(RepositoryName repository, String id) {
    requireSession(repository, id);
    return new UploadStatus(repository, id, currentSize(repository, id));
  }

  @Override
  public BlobInfo complete(RepositoryName repository, String id, Digest digest,
      InputStream lastChunk, ContentRange range, long length) {
    requireVerifiable(digest);
    if (lastChunk != null && length != 0) {
      append(repository, id, lastChunk, range, length);
    } else {
      requireSession(repository, id);
    }
    List<Part> parts = parts(repository, id);
    long total = parts.isEmpty() ? 0 : parts.get(parts.size() - 1).end();
    Digest actual = digestOf(repository, id, digest.algorithm(), parts, total);
    if (!actual.equals(digest)) {
      deleteSession(repository, id);
      throw mismatch(digest, actual);
    }
    BlobInfo info = fence.write(() -> {
      String target = StoragePaths.blobData(digest);
      Lock lock = fence.lockFor(digest);
      lock.lock();
      try {
        if (!storage.touch(target)) {
          try {
            place(parts, target);
          } catch (ObjectNotFoundException e) {
            throw new RegistryException(ErrorCode.BLOB_UPLOAD_UNKNOWN,
                "upload " + id + " was completed or cancelled concurrently");
          }
          storage.touch(target);
        }
        Links.write(storage, StoragePaths.layerLink(repository, digest), digest);
      } finally {
        lock.unlock();
      }
      return new BlobInfo(digest, total);
    });
    deleteSession(repository, id);
    return info;
  }

  @Override
  public void cancel(RepositoryName repository, String id) {
    requireSession(repository, id);
    deleteSession(repository, id);
  }

  /**
   * Deletes sessions started before {@code now - maxAge}.
   *
   * @return how many were deleted
   */
  public int purge(RepositoryName repository, Instant cutoff) {
    int purged = 0;
    for (String id : storage.list(StoragePaths.uploadsDirectory(repository))) {
      Instant started = startedAt(repository, id);
      if (started == null || started.isBefore(cutoff)) {
        deleteSession(repository, id);
        purged++;
      }
    }
    return purged;
  }

  /** When a session started, from {@code startedat} (or the storage's time for the folder). */
  public Instant startedAt(RepositoryName repository, String id) {
    String path = StoragePaths.uploadStartedAt(repository, id);
    try {
      String text = new String(storage.read(path), StandardCharsets.UTF_8).trim();
      return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from);
    } catch (ObjectNotFoundException | java.time.DateTimeException e) {
      return storage.stat(StoragePaths.uploadDirectory(repository, id))
          .map(StorageEntry::modified).orElse(null);
    }
  }

  private record Part(String path, long offset, long size) {
    long end() {
      return offset + size;
    }
  }

  private List<Part> parts(RepositoryName repository, String id) {
    String dir = StoragePaths.uploadParts(repository, id);
    List<Part> parts = new ArrayList<>();
    long expected = 0;
    for (String name : storage.list(dir)) {
      long offset;
      try {
        offset = Long.parseLong(name);
      } catch (NumberFormatException e) {
        continue;
      }
      String path = dir + "/" + name;
      long size = storage.stat(path).map(StorageEntry::size).orElseThrow(
          () -> new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "upload " + id
              + " lost its chunk at " + name + " while it was being read"));
      if (offset != expected) {
        throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "upload " + id
            + " has a gap: a chunk at " + offset + " follows " + expected + " bytes");
      }
      parts.add(new Part(path, offset, size));
      expected = offset + size;
    }
    return parts;
  }

  private long currentSize(RepositoryName repository, String id) {
    String dir = StoragePaths.uploadParts(repository, id);
    List<String> names = storage.list(dir);
    if (names.isEmpty()) {
      return 0;
    }
    String last = names.get(names.size() - 1);
    long size = storage.stat(dir + "/" + last).map(StorageEntry::size).orElse(0L);
    return Long.parseLong(last) + size;
  }

  private Digest digestOf(RepositoryName repository, String id, String algorithm, List<Part> parts,
      long total) {
    if (algorithm.equals(Digest.SHA256)) {
      HashState state = hashes.asMap().remove(sessionKey(repository, id));
      if (state != null && state.size == total) {
        return Digest.fromHash(algorithm, state.sha256.digest());
      }
    }
    MessageDigest md = Digest.newMessageDigest(algorithm);
    byte[] buffer = new byte[BUFFER];
    for (Part part : parts) {
      try (InputStream in = storage.open(part.path, 0)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          md.update(buffer, 0, n);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("read upload " + id, e);
      } catch (ObjectNotFoundException e) {
        throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID,
            "upload " + id + " lost a chunk while it was being verified");
      }
    }
    return Digest.fromHash(algorithm, md.digest());
  }

  /** Puts verified chunks at {@code target}: a move for one chunk, a concatenation for several. */
  private void place(List<Part> parts, String target) {
    if (parts.size() == 1) {
      storage.move(parts.get(0).path, target);
      return;
    }
    try (StorageWriter writer = storage.writer(target)) {
      byte[] buffer = new byte[BUFFER];
      for (Part part : parts) {
        try (InputStream in = storage.open(part.path, 0)) {
          for (int n; (n = in.read(buffer)) > 0; ) {
            writer.write(buffer, 0, n);
          }
        }
      }
      writer.commit();
    } catch (IOException e) {
      throw new UncheckedIOException("assemble " + target, e);
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
    hashes.invalidate(sessionKey(repository, id));
    storage.delete(StoragePaths.uploadDirectory(repository, id));
  }

  private static String sessionKey(RepositoryName repository, String id) {
    return repository + "@" + id;
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

  private static RegistryException mismatch(Digest expected, Digest actual) {
    return new RegistryException(ErrorCode.DIGEST_INVALID, "the content's digest is " + actual
        + ", not " + expected + " as given; nothing was stored");
  }
}
