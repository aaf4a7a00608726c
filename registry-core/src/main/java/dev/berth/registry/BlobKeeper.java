package dev.berth.registry;

import dev.berth.registry.layout.Links;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;

/**
 * The one place where writes take a blob's sweep lock (docs/design/gc.md): a write that makes a
 * blob reachable touches the blob's bytes (modification time = now) under the lock the collector
 * deletes under, so that a running collection, which re-checks the age under the same lock,
 * spares it; or creates the bytes when they are not there. The collector's side of the lock is
 * in {@link GarbageCollector}.
 */
final class BlobKeeper {
  private final Storage storage;
  private final WriteFence fence;

  BlobKeeper(Storage storage, WriteFence fence) {
    this.storage = storage;
    this.fence = fence;
  }

  /** Touches the blob's bytes; their entry, or empty when they are gone. */
  Optional<StorageEntry> touch(Digest digest) {
    String data = StoragePaths.blobData(digest);
    Lock lock = fence.lockFor(digest);
    lock.lock();
    try {
      return storage.touch(data) ? storage.stat(data) : Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * When the repository links the blob ({@code link} exists), touches the bytes and the link; the
   * bytes' entry, or empty when either is missing.
   */
  Optional<StorageEntry> touchLinked(String link, Digest digest) {
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
   * Keeps the blob's bytes (touched) or, when they are missing, has {@code create} write them at
   * the path it is given; then writes {@code link} (a repository's link to the blob), if any.
   */
  void keepOrCreate(Digest digest, Consumer<String> create, String link) {
    String data = StoragePaths.blobData(digest);
    Lock lock = fence.lockFor(digest);
    lock.lock();
    try {
      if (!storage.touch(data)) {
        create.accept(data);
      }
      if (link != null) {
        Links.write(storage, link, digest);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code action} under the blob's lock. */
  <T> T locked(Digest digest, java.util.function.Supplier<T> action) {
    Lock lock = fence.lockFor(digest);
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }
}
