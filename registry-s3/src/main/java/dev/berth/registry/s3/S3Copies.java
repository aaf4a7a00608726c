package dev.berth.registry.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Server-side copies, for {@code move} and {@code touch}: the bytes never pass through Berth.
 * CopyObject takes sources up to 5 GiB; larger ones are copied as a multipart upload of
 * UploadPartCopy ranges. The target appears whole when the copy completes, replacing what was
 * there; the copy carries new metadata (the modification time).
 */
final class S3Copies {
  /** CopyObject's limit on AWS S3. */
  static final long COPY_LIMIT = 5L * 1024 * 1024 * 1024;
  private static final long LARGE_COPY_PART = 512L * 1024 * 1024;
  private static final int MAX_PARTS = 10_000;

  private final S3Client s3;
  private final String bucket;
  private final long copyLimit;

  S3Copies(S3Client s3, String bucket, long copyLimit) {
    this.s3 = s3;
    this.bucket = bucket;
    this.copyLimit = copyLimit;
  }

  /**
   * Copies {@code source} onto {@code target} with {@code metadata}.
   *
   * @param size the source's size when known, else -1 (then a CopyObject is tried first and the
   *     size asked for only if the store refuses it as too large)
   */
  void copy(String source, String target, long size, Map<String, String> metadata) {
    if (size > copyLimit) {
      copyInParts(source, target, size, metadata);
      return;
    }
    try {
      s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(source).destinationBucket(bucket)
          .destinationKey(target).metadataDirective(MetadataDirective.REPLACE)
          .metadata(metadata));
    } catch (S3Exception e) {
      // AWS: 400 InvalidRequest "The specified copy source is larger than the maximum allowable
      // size for a copy source: 5368709120".
      if (size < 0 && e.statusCode() == 400) {
        long actual = s3.headObject(b -> b.bucket(bucket).key(source)).contentLength();
        if (actual > copyLimit) {
          copyInParts(source, target, actual, metadata);
          return;
        }
      }
      throw e;
    }
  }

  private void copyInParts(String source, String target, long size, Map<String, String> metadata) {
    long partSize = Math.max(Math.min(copyLimit, LARGE_COPY_PART), ceilDiv(size, MAX_PARTS));
    String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(target)
        .metadata(metadata)).uploadId();
    boolean completed = false;
    try {
      List<CompletedPart> parts = new ArrayList<>();
      int number = 1;
      for (long start = 0; start < size; start += partSize, number++) {
        String range = "bytes=" + start + "-" + (Math.min(start + partSize, size) - 1);
        int partNumber = number;
        String etag = s3.uploadPartCopy(b -> b.sourceBucket(bucket).sourceKey(source)
            .destinationBucket(bucket).destinationKey(target).uploadId(uploadId)
            .partNumber(partNumber).copySourceRange(range)).copyPartResult().eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
      s3.completeMultipartUpload(b -> b.bucket(bucket).key(target).uploadId(uploadId)
          .multipartUpload(m -> m.parts(parts)));
      completed = true;
    } finally {
      if (!completed) {
        abortQuietly(s3, bucket, target, uploadId);
      }
    }
  }

  static void abortQuietly(S3Client s3, String bucket, String key, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      // Left to the bucket's lifecycle rule for incomplete uploads (docs/design/s3.md).
    }
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
