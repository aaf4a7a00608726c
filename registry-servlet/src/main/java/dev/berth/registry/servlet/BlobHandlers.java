package dev.berth.registry.servlet;

import dev.berth.registry.BlobInfo;
import dev.berth.registry.BlobStore;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.SizedStream;
import dev.berth.registry.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code /v2/<name>/blobs/<digest>}: GET and HEAD with single ranges, DELETE. */
final class BlobHandlers {

  private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");
  private static final int BUFFER = 256 * 1024;
  /** Buffers kept between pulls: 8 MiB at most, what 32 concurrent pulls hold (CopyBuffers). */
  private static final CopyBuffers BUFFERS = new CopyBuffers(BUFFER, 32);

  private final Registry registry;
  private final Events events;

  BlobHandlers(Registry registry, Events events) {
    this.registry = registry;
    this.events = events;
  }

  void get(Exchange ex) throws IOException {
    RepositoryName repository = ex.repository();
    Digest digest = Digest.parse(ex.path("digest"));
    String range = ex.header("Range");
    if (!ex.isHead() && range == null
        && registry.blobs().redirect(repository, digest).isEmpty()) {
      // A whole GET served here: the bytes are opened with their size, so the headers need no
      // stat of the data first (one S3 request fewer per pull).
      try (SizedStream whole = registry.blobs().openWhole(repository, digest)) {
        ex.header("Docker-Content-Digest", digest.toString());
        cacheHeaders(ex, digest);
        send(ex, digest, whole.in(), 200, whole.size(), whole.size());
      }
      return;
    }
    // A HEAD's answer has no body, so whether the repository itself exists (NAME_UNKNOWN rather
    // than BLOB_UNKNOWN, both 404) is not asked: on S3 that is a LIST, and a client HEADs every
    // layer it is about to push.
    BlobInfo blob = ex.isHead()
        ? registry.blobs().stat(repository, digest).orElseThrow(() -> new RegistryException(
            ErrorCode.BLOB_UNKNOWN, BlobStore.unknownMessage(repository, digest)))
        : registry.blobs().require(repository, digest);
    ex.header("Docker-Content-Digest", digest.toString());
    if (!ex.isHead() && redirect(ex, repository, digest)) {
      return;
    }
    cacheHeaders(ex, digest);
    long size = blob.size();
    long start = 0;
    long end = size - 1;
    int status = 200;
    if (range != null && !range.contains(",")) {
      long[] bounds = parseRange(range.trim(), size);
      if (bounds != null) {
        start = bounds[0];
        end = bounds[1];
        status = 206;
        ex.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
      }
    }
    long length = size == 0 ? 0 : end - start + 1;
    if (ex.isHead() || length == 0) {
      status(ex, status, length);
      return;
    }
    try (InputStream in = registry.blobs().openFound(repository, blob, start)) {
      send(ex, digest, in, status, length, size);
    }
  }

  private static void cacheHeaders(Exchange ex, Digest digest) {
    ex.header("ETag", "\"" + digest + "\"");
    ex.header("Accept-Ranges", "bytes");
    ex.header("Cache-Control", "max-age=31536000, immutable");
  }

  private static void status(Exchange ex, int status, long length) {
    ex.response.setStatus(status);
    ex.response.setContentType("application/octet-stream");
    ex.response.setContentLengthLong(length);
  }

  /** The status and length, then {@code length} bytes of {@code in}; a pull event after. */
  private void send(Exchange ex, Digest digest, InputStream in, int status, long length,
      long size) throws IOException {
    status(ex, status, length);
    if (length == 0) {
      return;
    }
    byte[] buffer = BUFFERS.take();
    try (OutputStream out = ex.response.getOutputStream()) {
      long remaining = length;
      while (remaining > 0) {
        int n = readStored(in, buffer, (int) Math.min(buffer.length, remaining), digest);
        if (n < 0) {
          throw new StorageException("stored blob " + digest + " ended " + remaining
              + " bytes early (truncated storage?)");
        }
        out.write(buffer, 0, n);
        ex.bytesOut += n;
        remaining -= n;
      }
    }
    // Kept only after a whole answer: a write returns once the container has sent or copied the
    // bytes. After a failed one (a client gone, an idle timeout) the container might still hold
    // the array, so that buffer is dropped rather than lent to another pull.
    BUFFERS.release(buffer);
    events.blobPulled(ex, digest, size);
  }

  /**
   * A GET sent to the storage's own URL for the blob, when it gives one (S3 presigned GETs): the
   * bytes then bypass this process, as registry:2 does with its storage redirects. 307 keeps the
   * method; a Range header is the client's to send again, and the store serves it. No ETag or
   * Cache-Control here: the year-long caching of the bytes must not apply to a URL that expires.
   */
  private boolean redirect(Exchange ex, RepositoryName repository, Digest digest) {
    Optional<URI> url = registry.blobs().redirect(repository, digest);
    if (url.isEmpty()) {
      return false;
    }
    ex.response.setStatus(307);
    ex.header("Location", url.get().toString());
    ex.response.setContentLengthLong(0);
    return true;
  }

  /**
   * Reads stored bytes. A failure here is the storage's, not the client's: it must be logged as an
   * error and cut the connection, never pass as a client that went away.
   */
  private static int readStored(InputStream in, byte[] buffer, int length, Digest digest) {
    try {
      // Fill the buffer before it is written: a stream from an object store hands over what one
      // socket read had (often a few KiB), and each write to the response costs a pass through
      // the container's output path. -1 only when nothing was left.
      int n = in.readNBytes(buffer, 0, length);
      return n == 0 && length > 0 ? -1 : n;
    } catch (IOException e) {
      throw new StorageException("reading stored blob " + digest + " failed", e);
    }
  }

  /**
   * A single {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}: the inclusive bounds, null for
   * a header that is not a byte range (served whole, as RFC 9110 allows).
   *
   * @throws RegistryException RANGE_INVALID (416) when no byte of the range exists
   */
  private static long[] parseRange(String header, long size) {
    Matcher m = RANGE.matcher(header);
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      return null;
    }
    try {
      long start;
      long end;
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0) {
          throw unsatisfiable(header, size);
        }
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(m.group(1));
        end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < start) {
          return null;
        }
      }
      if (start >= size || size == 0) {
        throw unsatisfiable(header, size);
      }
      return new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static RegistryException unsatisfiable(String header, long size) {
    return new RangeNotSatisfiable("range " + header + " is outside the blob's " + size + " bytes",
        size);
  }

  /** A 416 for a read; the servlet adds {@code Content-Range: bytes *}{@code /<size>}. */
  static final class RangeNotSatisfiable extends RegistryException {
    private static final long serialVersionUID = 1L;
    final long size;

    RangeNotSatisfiable(String message, long size) {
      super(ErrorCode.RANGE_INVALID, message);
      this.size = size;
    }
  }

  void delete(Exchange ex) {
    Digest digest = Digest.parse(ex.path("digest"));
    registry.blobs().delete(ex.repository(), digest);
    events.blobDeleted(ex, digest);
    ex.sendEmpty(202);
  }
}
