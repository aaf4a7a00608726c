package dev.berth.registry.s3;

import dev.berth.registry.storage.StorageException;
import dev.berth.registry.storage.StorageWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Streams one object into an S3 store. Bytes are buffered up to the part size; an object of at
 * most {@link S3Config#SINGLE_PUT_LIMIT} goes up in one PUT at commit, a larger one as a multipart
 * upload whose parts are sent as the buffer fills and which completes at commit. Nothing is
 * visible at the key before that; cancel (or close without commit) aborts the upload. Memory:
 * one {@link PartBuffer}, at most the part size, grown as bytes come, so that the many small
 * writers (links, markers) stay small.
 *
 * <p>The modification time of a multipart object is stamped when its upload is created (when the
 * first part is full), since CompleteMultipartUpload cannot set metadata: earlier than the commit
 * by the time the upload took.
 */
final class S3Writer extends StorageWriter {
  private static final int MAX_PARTS = 10_000;

  private final S3Storage storage;
  private final S3Client s3;
  private final String bucket;
  private final String path;
  private final String key;
  private final int partSize;
  private PartBuffer buffer;
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
    this.buffer = new PartBuffer(partSize);
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
      if (buffer.full()) {
        sendPart();
      }
      int n = buffer.add(b, off, len);
      size += n;
      off += n;
      len -= n;
    }
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
      if (uploadId == null && size <= S3Config.SINGLE_PUT_LIMIT) {
        RequestBody body = buffer.body();
        return ifAbsent ? storage.createIfAbsent(key, "commit " + path, body)
            : storage.put(key, "commit " + path, body);
      }
      if (buffer.size() > 0) {
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
          .partNumber(number), buffer.body()).eTag();
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      buffer.clear();
    } catch (SdkException e) {
      cancel();
      throw S3Failures.of("write " + path, e);
    }
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
