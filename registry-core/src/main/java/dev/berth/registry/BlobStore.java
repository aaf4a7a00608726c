package dev.berth.registry;

import java.io.InputStream;
import java.net.URI;
import java.util.Optional;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.SizedStream;

/** Blobs as repositories see them. A blob is visible in a repository once linked there. */
public interface BlobStore {

  /** The blob, when it is visible in the repository (the OCI empty blob always is). */
  Optional<BlobInfo> stat(RepositoryName repository, Digest digest);

  /**
   * The blob, visible in the repository.
   *
   * @throws RegistryException {@code BLOB_UNKNOWN}, or {@code NAME_UNKNOWN} for an unknown
   *     repository
   */
  BlobInfo require(RepositoryName repository, Digest digest);

  /** What {@code BLOB_UNKNOWN} says of a blob not visible in a repository. */
  static String unknownMessage(RepositoryName repository, Digest digest) {
    return "blob " + digest + " is not known in repository " + repository;
  }

  /**
   * Opens a visible blob at {@code offset}.
   *
   * @throws RegistryException {@code BLOB_UNKNOWN} (or {@code NAME_UNKNOWN})
   */
  InputStream open(RepositoryName repository, Digest digest, long offset);

  /**
   * Opens a blob that {@link #require} or {@link #stat} found in {@code repository} just before,
   * without asking the storage for its link again (one round trip less per pull on S3). A link
   * removed in between changes nothing a slightly earlier request would not have seen.
   *
   * @throws RegistryException {@code BLOB_UNKNOWN} when its bytes are gone meanwhile
   */
  default InputStream openFound(RepositoryName repository, BlobInfo found, long offset) {
    return open(repository, found.digest(), offset);
  }

  /**
   * Opens a blob visible in the repository from its start, with its size: what a whole GET
   * needs. It finds the link and opens the bytes without asking for their size first where the
   * storage's read answers it ({@link dev.berth.registry.storage.Storage#openSized}: on S3 one HEAD and one GET per pull).
   *
   * @throws RegistryException {@code BLOB_UNKNOWN} (or {@code NAME_UNKNOWN})
   */
  default SizedStream openWhole(RepositoryName repository, Digest digest) {
    BlobInfo found = require(repository, digest);
    return new SizedStream(openFound(repository, found, 0), found.size());
  }

  /**
   * Where a client may fetch a blob {@link #require} just found, from the storage itself
   * ({@link dev.berth.registry.storage.Storage#redirectUrl}); empty when the storage gives no
   * such URLs, and for a repository the pull-through cache serves (its blob may not be stored
   * yet, and its pulls are counted here).
   */
  default Optional<URI> redirect(RepositoryName repository, Digest digest) {
    return Optional.empty();
  }

  /**
   * Unlinks the blob from the repository; its bytes stay until garbage collection.
   *
   * @throws RegistryException {@code BLOB_UNKNOWN}, or {@code UNSUPPORTED} when deletes are off
   */
  void delete(RepositoryName repository, Digest digest);
}
