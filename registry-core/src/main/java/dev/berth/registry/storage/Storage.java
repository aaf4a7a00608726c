package dev.berth.registry.storage;

import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where Berth keeps its bytes: a flat namespace of objects under {@code /}-separated paths, with the
 * operations an object store offers. It knows nothing of OCI; {@link StoragePaths} alone decides
 * which path holds what.
 *
 * <p>The interface is shaped so that an S3-compatible store can implement it: objects are written
 * whole (there is no append), {@link #move} may be a copy and a delete, directories exist only while
 * they hold an object, and listing is by prefix, in lexical order, paged with {@code startAfter}.
 *
 * <p>Paths are relative, use {@code /}, and have no empty, {@code .} or {@code ..} segments; the empty
 * path is the root. Implementations are thread-safe; every write is atomic (a reader sees the old
 * object or the new one, never a part).
 *
 * <p>Modification times ({@link StorageEntry#modified()}, {@link #touch}) come from the clock the
 * storage was made with, the same clock that decides ages elsewhere (garbage collection, upload
 * expiry), so a test clock ages objects without sleeping.
 */
public interface Storage extends AutoCloseable {

  /** The object or directory at {@code path}, or empty when there is none. */
  Optional<StorageEntry> stat(String path);

  /**
   * The object at {@code path}, or empty when there is none (a directory there is not one): what
   * a caller asks of a link or a blob's bytes, which are never directories. The default filters
   * {@link #stat}; a store that needs a second request to tell an absent path from a directory
   * (S3: a HEAD, then a LIST) answers with the first alone.
   */
  default Optional<StorageEntry> statObject(String path) {
    return stat(path).filter(e -> !e.directory());
  }

  /**
   * Opens the object at {@code path} for reading from {@code offset}.
   *
   * @throws ObjectNotFoundException when there is no object there
   */
  InputStream open(String path, long offset);

  /**
   * Opens the object at {@code path} from its start, with its size: what a reader that must
   * announce the length before the bytes (a blob GET's {@code Content-Length}) needs. The default
   * asks {@link #stat} first; a store whose read answers the size with the bytes (S3's
   * {@code Content-Length}) saves that request.
   *
   * @throws ObjectNotFoundException when there is no object there
   */
  default SizedStream openSized(String path) {
    StorageEntry entry = statObject(path).orElseThrow(() -> new ObjectNotFoundException(path));
    return new SizedStream(open(path, 0), entry.size());
  }

  /**
   * Reads a small object whole.
   *
   * @throws ObjectNotFoundException when there is no object there
   */
  default byte[] read(String path) {
    try (InputStream in = open(path, 0)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("read " + path, e);
    }
  }

  /**
   * A value that differs whenever the small object at {@code path} was written with other content
   * since it was last asked, or empty when there is no object there: what a reader compares to
   * learn whether a marker object changed. The default reads the object whole; a store that keeps
   * a digest of each object's content answers without its bytes (S3: the ETag, one HEAD).
   */
  default Optional<String> fingerprint(String path) {
    try {
      return Optional.of(Hashing.sha256().hashBytes(read(path)).toString());
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Writes a small object whole, replacing any object at {@code path} atomically. */
  void write(String path, byte[] content);

  /**
   * Writes a small object whole, atomically, without waiting for it to reach the disk when
   * {@code flush} is false: for derived data that a rebuild restores (index entries, cache
   * generations, records of changes in flight). Such a write survives a killed process, but a power
   * loss may lose it or leave it empty; {@link #lostUnflushedWrites()} then says so at the next
   * start. Stores that are always durable ignore the hint.
   */
  default void write(String path, byte[] content, boolean flush) {
    write(path, content);
  }

  /**
   * Whether this storage found, when it was opened, that an earlier instance ended in a way that
   * can lose unflushed writes (the machine went down without a clean shutdown), so that derived
   * data must be rebuilt.
   */
  default boolean lostUnflushedWrites() {
    return false;
  }

  /**
   * Creates the object at {@code path} only if there is none, atomically.
   *
   * @return true if this call created it, false if an object was already there (left unchanged)
   */
  boolean writeIfAbsent(String path, byte[] content);

  /**
   * A streaming writer for a (possibly large) object; nothing is visible at {@code path} until
   * {@link StorageWriter#commit()}.
   */
  StorageWriter writer(String path);

  /**
   * Moves an object, replacing the target. The target appears atomically, with the clock's now as
   * its modification time (a move makes something new, which age-based collection must spare); on
   * stores without rename this is a copy followed by a delete of the source.
   *
   * @throws ObjectNotFoundException when the source is missing
   */
  void move(String source, String target);

  /**
   * Moves several objects, one after another, into one object at {@code target}, replacing it:
   * the target appears atomically, whole, with the clock's now as its modification time, and then
   * the sources are deleted. No sources make an empty object. This is how an upload's chunks
   * become its blob, so stores that can join objects without the bytes passing through this
   * process do so (a rename for one file; S3's multipart copy); the default reads the sources into
   * a {@link #writer}.
   *
   * @throws ObjectNotFoundException when a source is missing; the target and the sources are then
   *     as they were
   */
  default void move(List<String> sources, String target) {
    if (sources.contains(target)) {
      throw new IllegalArgumentException("move " + sources + " onto one of them: " + target);
    }
    if (sources.size() == 1) {
      move(sources.get(0), target);
      return;
    }
    try (StorageWriter writer = writer(target)) {
      for (String source : sources) {
        try (InputStream in = open(source, 0)) {
          in.transferTo(writer);
        }
      }
      writer.commit();
    } catch (IOException e) {
      throw new StorageException("move " + sources.size() + " objects to " + target, e);
    }
    for (String source : sources) {
      delete(source);
    }
  }

  /**
   * Discards writes begun before {@code startedBefore} that were never committed or cancelled and
   * that the store still keeps out of sight: the multipart uploads of a killed process on S3.
   * Stores whose unfinished writes go away by themselves have nothing to do (the file system's
   * temporary files are removed when their owner's lock is released, {@code TemporaryArea}).
   *
   * @return how many were discarded
   */
  default int discardAbandonedWrites(Instant startedBefore) {
    return 0;
  }

  /**
   * Deletes the object at {@code path}, or every object under it when it is a directory.
   *
   * @return true when something was deleted
   */
  boolean delete(String path);

  /**
   * Deletes the object at {@code path} if there is one, without saying whether there was: for a
   * caller that does not need the answer where it costs a request (S3's DeleteObject answers 204
   * either way, so {@link #delete} asks first). Meant for an object: what it does to a
   * directory depends on the storage.
   */
  default void discard(String path) {
    delete(path);
  }

  /**
   * The names (last path segment) of the objects and directories directly under {@code directory},
   * in lexical order, starting strictly after {@code startAfter} (null for the beginning), at most
   * {@code limit} of them. A missing directory lists as empty.
   */
  List<String> list(String directory, String startAfter, int limit);

  /** All names directly under {@code directory}, in lexical order. */
  default List<String> list(String directory) {
    return list(directory, null, Integer.MAX_VALUE);
  }

  /**
   * The names directly under {@code directory}, in lexical order, under which an object
   * {@code <name>/<relative>} exists: a folder of tags whose current link is there, in one call.
   * The default lists the folder and stats each name, cheap where a stat is a system call; a store
   * where each stat is a round trip answers from one recursive listing instead.
   */
  default List<String> listHolding(String directory, String relative) {
    List<String> holding = new ArrayList<>();
    for (String name : list(directory)) {
      if (statObject(directory + "/" + name + "/" + relative).isPresent()) {
        holding.add(name);
      }
    }
    return holding;
  }

  /**
   * Visits every object (not directories) under {@code directory}, recursively. Objects removed
   * while the walk runs may or may not be visited; the walk never fails because of them.
   */
  void walk(String directory, Consumer<StorageEntry> visitor);

  /**
   * Sets the object's modification time to now, so that age-based collection spares it.
   *
   * @return false when there is no object at {@code path}
   */
  boolean touch(String path);

  /**
   * Whether {@link #touch} costs less than writing a small object again: true where a touch sets
   * a time stamp (a file system), false where it copies the object onto itself (S3). A caller
   * holding a content-addressed object's bytes (a manifest) writes them again instead of touching
   * them where this is false: the same result, and on S3 a PUT, whose answer has no body, instead
   * of a CopyObject, whose answer has one.
   */
  default boolean touchIsCheap() {
    return true;
  }

  /**
   * A URL from which a client may read the object at {@code path} itself for a while, without
   * this process in between (an S3 presigned GET), when the storage is set up to hand them out;
   * empty otherwise, and by default. The registry answers a blob GET with a redirect there, only
   * after the access check passed and the blob was found: the URL is the credential. It is not
   * checked that the object still exists.
   */
  default Optional<URI> redirectUrl(String path) {
    return Optional.empty();
  }

  /** Releases what the storage holds (connections, its temporary area); stored objects stay. */
  @Override
  default void close() {}
}
