package dev.berth.registry.oci;

/**
 * Every error Berth reports on the wire, with its code string and HTTP status, registered once.
 *
 * <p>The names are the distribution-spec's codes (and distribution's legacy ones). Where one spec code
 * is sent with a second status, a second constant names that case ({@link #ROUTE_UNKNOWN},
 * {@link #MANIFEST_TOO_LARGE}) so that handlers never choose statuses themselves.
 */
public enum ErrorCode {
  BLOB_UNKNOWN(404, "blob unknown to registry"),
  BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
  BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
  DIGEST_INVALID(400, "provided digest did not match uploaded content"),
  MANIFEST_BLOB_UNKNOWN(400, "manifest references a manifest or blob unknown to registry"),
  MANIFEST_INVALID(400, "manifest invalid"),
  MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
  MANIFEST_UNVERIFIED(400, "manifest failed signature verification"),
  NAME_INVALID(400, "invalid repository name"),
  NAME_UNKNOWN(404, "repository name not known to registry"),
  SIZE_INVALID(400, "provided length did not match content length"),
  TAG_INVALID(400, "manifest tag did not match URI"),
  UNAUTHORIZED(401, "authentication required"),
  DENIED(403, "requested access to the resource is denied"),
  UNSUPPORTED(405, "the operation is unsupported"),
  TOOMANYREQUESTS(429, "too many requests"),
  PAGINATION_NUMBER_INVALID(400, "invalid number of results requested"),
  RANGE_INVALID(416, "invalid content range"),
  UNAVAILABLE(503, "service unavailable"),
  UNKNOWN(500, "unknown error"),
  /** A path that names no route: {@code UNSUPPORTED} in the body, 404 on the wire. */
  ROUTE_UNKNOWN("UNSUPPORTED", 404, "no such route"),
  /** A manifest body over the size limit: {@code MANIFEST_INVALID} in the body, 413 on the wire. */
  MANIFEST_TOO_LARGE("MANIFEST_INVALID", 413, "manifest too large"),
  /** An upload body that arrived too slowly and was cut off: 408, what arrived of a chunk is kept. */
  UPLOAD_TOO_SLOW("BLOB_UPLOAD_INVALID", 408, "the upload arrived too slowly"),
  /** A manifest body that arrived too slowly and was cut off: 408. */
  MANIFEST_TOO_SLOW("MANIFEST_INVALID", 408, "the manifest arrived too slowly"),
  /**
   * The storage has no room for a write: 507 Insufficient Storage, with distribution's
   * {@code UNAVAILABLE} code; reads keep working.
   */
  STORAGE_FULL("UNAVAILABLE", 507, "the registry's storage is full"),
  /**
   * A write while the registry serves read-only. distribution's maintenance read-only mode leaves
   * the write methods out of its handlers, so a write gets 405 Method Not Allowed with
   * {@code Allow: GET, HEAD} (registry/handlers/blob.go, blobupload.go, manifests.go). Berth sends
   * the same status and {@code Allow}, with the spec's envelope instead of a text body.
   */
  READ_ONLY("UNSUPPORTED", 405, "the registry is in read-only mode");

  private final String code;
  private final int httpStatus;
  private final String description;

  ErrorCode(int httpStatus, String description) {
    this(null, httpStatus, description);
  }

  ErrorCode(String code, int httpStatus, String description) {
    this.code = code == null ? name() : code;
    this.httpStatus = httpStatus;
    this.description = description;
  }

  /** The code string sent in the error envelope. */
  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The spec's one-line description of the code. */
  public String description() {
    return description;
  }
}
