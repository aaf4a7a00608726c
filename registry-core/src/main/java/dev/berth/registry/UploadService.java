package dev.berth.registry;

import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Blob uploads. Sessions live in storage: an upload begun before a restart continues after it, on
 * any instance that shares the storage. Content is verified against its digest before it becomes
 * visible; nothing is stored on a mismatch.
 *
 * <p>Bodies arrive either as an {@code InputStream} (the methods that take one read it to its end)
 * or piece by piece through an {@link UploadBody} (for containers that read without blocking).
 */
public interface UploadService {

  /** Opens a session. */
  UploadStatus start(RepositoryName repository);

  /**
   * Receives a whole blob in one request (a POST with {@code ?digest=} and a body).
   *
   * @param length the declared length, or -1 when unknown
   */
  UploadBody<BlobInfo> receiveWhole(RepositoryName repository, Digest digest, long length);

  /**
   * Receives a chunk of a session. With a range, it must start where the session ends (else 416).
   *
   * @param range the chunk's {@code Content-Range}, or null for a streamed append
   * @param length the declared length, or -1 when unknown
   */
  UploadBody<UploadStatus> receiveChunk(RepositoryName repository, String id, ContentRange range,
      long length);

  /**
   * Receives the last chunk that a closing request carries, to be followed by {@link #complete} in
   * the same request: as {@link #receiveChunk}, but the chunk's own place need not survive a power
   * loss, since completing moves it into the blob and flushes that.
   */
  default UploadBody<UploadStatus> receiveClosingChunk(RepositoryName repository, String id,
      ContentRange range, long length) {
    return receiveChunk(repository, id, range, length);
  }

  /** Links a blob visible in {@code from} into {@code repository}, when it is there to mount. */
  Optional<BlobInfo> mount(RepositoryName repository, Digest digest, RepositoryName from);

  /**
   * Links a blob into {@code repository} from any repository that holds it and that
   * {@code mayRead} allows: OCI 1.1's mount without {@code from}. Costs a walk of the repositories
   * when the blob exists but the target does not hold it yet.
   */
  Optional<BlobInfo> mountFromAny(RepositoryName repository, Digest digest,
      Predicate<RepositoryName> mayRead);

  /** The session's state. */
  UploadStatus status(RepositoryName repository, String id);

  /**
   * Ends the session: verifies everything it received against {@code digest} and makes the blob
   * visible. A last chunk sent with the closing request is received first with
   * {@link #receiveChunk}.
   */
  BlobInfo complete(RepositoryName repository, String id, Digest digest);

  /** Abandons the session and its bytes. */
  void cancel(RepositoryName repository, String id);

  /** Stores a whole blob from a stream; see {@link #receiveWhole}. */
  default BlobInfo putWhole(RepositoryName repository, Digest digest, InputStream body,
      long length) {
    return UploadBodies.drain(body, receiveWhole(repository, digest, length));
  }

  /** Appends a chunk from a stream; see {@link #receiveChunk}. */
  default UploadStatus append(RepositoryName repository, String id, InputStream body,
      ContentRange range, long length) {
    return UploadBodies.drain(body, receiveChunk(repository, id, range, length));
  }

  /**
   * Ends the session with an optional last chunk (checked against its {@code Content-Range} when
   * one is given, as for {@link #append}).
   */
  default BlobInfo complete(RepositoryName repository, String id, Digest digest,
      InputStream lastChunk, ContentRange range, long length) {
    if (lastChunk != null && length != 0) {
      UploadBodies.drain(lastChunk, receiveClosingChunk(repository, id, range, length));
    }
    return complete(repository, id, digest);
  }
}
