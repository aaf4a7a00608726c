package dev.berth.registry;

import java.io.InputStream;
import java.util.Optional;
import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;

/**
 * Blob uploads. Sessions live in storage: an upload begun before a restart continues after it, on
 * any instance that shares the storage. Content is verified against its digest before it becomes
 * visible; nothing is stored on a mismatch.
 */
public interface UploadService {

  /** Opens a session. */
  UploadStatus start(RepositoryName repository);

  /**
   * Stores a whole blob in one step (a POST with {@code ?digest=} and a body).
   *
   * @param length the declared length, or -1 when unknown
   */
  BlobInfo putWhole(RepositoryName repository, Digest digest, InputStream body, long length);

  /** Links a blob visible in {@code from} into {@code repository}, when it is there to mount. */
  Optional<BlobInfo> mount(RepositoryName repository, Digest digest, RepositoryName from);

  /**
   * Appends a chunk. With a range, it must start where the session ends (else 416).
   *
   * @param range the chunk's {@code Content-Range}, or null for a streamed append
   * @param length the declared length, or -1 when unknown
   */
  UploadStatus append(RepositoryName repository, String id, InputStream body, ContentRange range,
      long length);

  /** The session's state. */
  UploadStatus status(RepositoryName repository, String id);

  /**
   * Ends the session: appends the optional last chunk (checked against its {@code Content-Range}
   * when one is given, as for {@link #append}), verifies the whole against {@code digest} and
   * makes the blob visible.
   */
  BlobInfo complete(RepositoryName repository, String id, Digest digest, InputStream lastChunk,
      ContentRange range, long length);

  /** Abandons the session and its bytes. */
  void cancel(RepositoryName repository, String id);
}
