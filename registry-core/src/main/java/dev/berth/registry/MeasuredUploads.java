package dev.berth.registry;

import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.oci.ContentRange;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import java.util.Optional;

/**
 * The upload service, reporting uploads started, completed and failed to {@link RegistryMetrics}.
 * A session starts at {@link #start}; a whole blob pushed in one request starts when its body
 * begins and ends with it. Cancelled and expired sessions are neither completed nor failed.
 */
final class MeasuredUploads implements UploadService {

  private final UploadService uploads;
  private final RegistryMetrics metrics;

  private MeasuredUploads(UploadService uploads, RegistryMetrics metrics) {
    this.uploads = uploads;
    this.metrics = metrics;
  }

  /** {@code uploads} reporting to {@code metrics}; itself when metrics are off. */
  static UploadService of(UploadService uploads, RegistryMetrics metrics) {
    return metrics == RegistryMetrics.NONE ? uploads : new MeasuredUploads(uploads, metrics);
  }

  @Override
  public UploadStatus start(RepositoryName repository) {
    UploadStatus status = uploads.start(repository);
    metrics.uploadStarted();
    return status;
  }

  @Override
  public UploadBody<BlobInfo> receiveWhole(RepositoryName repository, Digest digest, long length) {
    UploadBody<BlobInfo> body = uploads.receiveWhole(repository, digest, length);
    metrics.uploadStarted();
    return counted(body, true);
  }

  /**
   * The closing request of a session whose start was counted: it completes or fails the upload;
   * a body that breaks off leaves the session going (what arrived is kept), so it counts nothing.
   */
  @Override
  public UploadBody<BlobInfo> receiveClosing(RepositoryName repository, String id, Digest digest,
      ContentRange range, long length) {
    return counted(uploads.receiveClosing(repository, id, digest, range, length), false);
  }

  /** {@code body}, counting its end; {@code abortFails}: a broken-off body is a failed upload. */
  private UploadBody<BlobInfo> counted(UploadBody<BlobInfo> body, boolean abortFails) {
    return new UploadBody<>() {
      private boolean ended;

      @Override
      public void write(byte[] b, int off, int len) {
        body.write(b, off, len);
      }

      @Override
      public long received() {
        return body.received();
      }

      @Override
      public BlobInfo finish() {
        try {
          BlobInfo blob = body.finish();
          end(true, blob.size());
          return blob;
        } catch (RegistryException e) {
          if (e.code() != dev.berth.registry.oci.ErrorCode.BLOB_UPLOAD_UNKNOWN) {
            end(false, 0);
          }
          throw e;
        } catch (RuntimeException e) {
          end(false, 0);
          throw e;
        }
      }

      @Override
      public void abort() {
        if (abortFails) {
          end(false, 0);
        }
        body.abort();
      }

      @Override
      public void close() {
        if (abortFails) {
          end(false, 0);
        }
        body.close();
      }

      private void end(boolean completed, long size) {
        if (ended) {
          return;
        }
        ended = true;
        if (completed) {
          metrics.uploadCompleted(size);
        } else {
          metrics.uploadFailed();
        }
      }
    };
  }

  @Override
  public UploadBody<UploadStatus> receiveChunk(RepositoryName repository, String id,
      ContentRange range, long length) {
    return uploads.receiveChunk(repository, id, range, length);
  }

  @Override
  public Optional<BlobInfo> mount(RepositoryName repository, Digest digest,
      RepositoryName from) {
    return uploads.mount(repository, digest, from);
  }

  @Override
  public Optional<BlobInfo> mountFromAny(RepositoryName repository, Digest digest,
      java.util.function.Predicate<RepositoryName> readable) {
    return uploads.mountFromAny(repository, digest, readable);
  }

  @Override
  public UploadStatus status(RepositoryName repository, String id) {
    return uploads.status(repository, id);
  }

  /** A digest or length that does not match fails the upload; an unknown session does not. */
  @Override
  public BlobInfo complete(RepositoryName repository, String id, Digest digest) {
    try {
      BlobInfo blob = uploads.complete(repository, id, digest);
      metrics.uploadCompleted(blob.size());
      return blob;
    } catch (RegistryException e) {
      if (e.code() != dev.berth.registry.oci.ErrorCode.BLOB_UPLOAD_UNKNOWN) {
        metrics.uploadFailed();
      }
      throw e;
    }
  }

  @Override
  public void cancel(RepositoryName repository, String id) {
    uploads.cancel(repository, id);
  }
}
