package dev.berth.registry.s3;

import dev.berth.registry.storage.StorageException;
import dev.berth.registry.storage.StorageWriter;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Lock;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Streams one object into an S3 store. Bytes are buffered up to the part size; an object that
 * fits goes up in one PUT at commit, a larger one as a multipart upload whose parts are sent as the
 * buffer fills and which completes at commit. Nothing is visible at the key before that; cancel
 * (or close without commit) aborts the upload. Memory: one buffer of at most the part size, grown
 * as bytes come, so that the many small writers (links, markers) stay small.
 *
 * <p>The modification time of a multipart object is stamped when its upload is created (when the
 * first part is full), since CompleteMultipartUpload cannot set metadata: earlier than the commit
 * by the time the upload took.
 */
final class S3Writer extends StorageWriter {
  private static final int FIRST_BUFFER = 64 * 1024;
  private static final int MAX_PARTS = 10_000;

  private final S3Storage storage;
  private final S3Client s3;
  private final String bucket;
  private final String path;
  private final String key;
  private final int partSize;
  private byte[] buffer = new byte[0];
  private int filled;
  private long size;
  private String uploadId;
  private final List<CompletedPart> parts = new ArrayList<>();
  private final String writeId = java.util.UUID.randomUUID().toString();
  private boolean done;

  S3Writer(S3Storage storage, S3Client s3, String bucket, String path, String key, int partSize) {
    this.storage = storage;
    this.s3 = s3;
    this.bucket = bucket;
    this.path = path;
    this.key = key;
    this.partSize = partSize;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    if (done) {
      throw new IllegalStateException("writer for " + path + " already finished");
    }
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (filled == partSize) {
        sendPart();
      }
      ensureRoom(Math.min(len, partSize - filled));
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      size += n;
      off += n;
      len -= n;
    }
  }

  private void ensureRoom(int wanted) {
    if (buffer.length - filled >= wanted) {
      return;
    }
    int capacity = Math.max(FIRST_BUFFER, buffer.length);
    while (capacity - filled < wanted) {
      capacity = (int) Math.min(partSize, capacity * 2L);
    }
    buffer = Arrays.copyOf(buffer, capacity);
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void commit() {
    finish(false);
  }

  @Override
  public boolean commitIfAbsent() {
    return finish(true);
  }

  private boolean finish(boolean ifAbsent) {
    if (done) {
      throw new IllegalStateException("writer for " + path + " already finished");
    }
    done = true;
    try {
      if (uploadId == null) {
        RequestBody body = body(buffer, filled);
        return ifAbsent ? storage.createIfAbsent(key, "commit " + path, body)
            : storage.put(key, "commit " + path, body);
      }
      if (filled > 0) {
        sendPart();
      }
      if (!ifAbsent) {
        complete(false);
        return true;
      }
      if (storage.createIfAbsentMode().conditionalComplete()) {
        return complete(true);
      }
      Lock lock = storage.lockFor(key);
      lock.lock();
      try {
        return !storage.exists(key, "commit " + path) && complete(false);
      } finally {
        lock.unlock();
      }
    } finally {
      buffer = null;
      if (uploadId != null) {
        // Completed uploads are gone (NoSuchUpload); failed and refused ones are aborted.
        S3Copies.abortQuietly(s3, bucket, key, uploadId);
      }
    }
  }

  private boolean complete(boolean ifNoneMatch) {
    try {
      s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
          .ifNoneMatch(ifNoneMatch ? "*" : null).multipartUpload(m -> m.parts(parts)));
      uploadId = null;
      return true;
    } catch (SdkException e) {
      // A retried completion meets either the object its first attempt made (412 when
      // conditional) or no upload any more (404 NoSuchUpload): the write id tells whose it is.
      boolean refused = ifNoneMatch && S3Failures.isPreconditionFailed(e);
      if ((refused || S3Failures.isStatus(e, 404)) && S3Failures.retried(e)
          && storage.writtenBy(key, writeId, "commit " + path)) {
        uploadId = null;
        return true;
      }
      if (refused) {
        return false;
      }
      throw S3Failures.of("commit " + path, e);
    }
  }

  private void sendPart() {
    if (parts.size() == MAX_PARTS) {
      throw new StorageException("write " + path + ": more than " + MAX_PARTS + " parts of "
          + partSize + " bytes; configure a larger S3 part size");
    }
    try {
      if (uploadId == null) {
        uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)
            .metadata(storage.times().stampNow(writeId))).uploadId();
      }
      int number = parts.size() + 1;
      String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
          .partNumber(number).contentLength((long) filled), body(buffer, filled)).eTag();
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      filled = 0;
    } catch (SdkException e) {
      cancel();
      throw S3Failures.of("write " + path, e);
    }
  }

  /** A body over the buffer without copying it; re-readable, for the signer and for retries. */
  private static RequestBody body(byte[] bytes, int length) {
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length),
        length, "application/octet-stream");
  }

  @Override
  public void cancel() {
    if (!done) {
      done = true;
      buffer = null;
      if (uploadId != null) {
        S3Copies.abortQuietly(s3, bucket, key, uploadId);
        uploadId = null;
      }
    }
  }
}
