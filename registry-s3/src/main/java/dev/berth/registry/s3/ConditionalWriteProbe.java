package dev.berth.registry.s3;

import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Finds out at start whether the store honours {@code If-None-Match: *}, with a probe object under
 * the storage's hidden folder: a conditional PUT of the absent key must succeed, a second one must
 * be refused (412), and a conditional CompleteMultipartUpload onto the now existing key must be
 * refused too. A store that ignores the header lets the second write through; one that does not
 * know it answers 400 or 501. Seven requests, once; the probe object is deleted after.
 */
final class ConditionalWriteProbe {
  private static final byte[] BODY =
      "berth conditional-write probe".getBytes(StandardCharsets.UTF_8);

  private final S3Client s3;
  private final String bucket;
  private final String key;

  private ConditionalWriteProbe(S3Client s3, String bucket, String key) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
  }

  static CreateIfAbsentMode detect(S3Client s3, String bucket, String probeKey) {
    ConditionalWriteProbe probe = new ConditionalWriteProbe(s3, bucket, probeKey);
    try {
      if (!probe.conditionalPut()) {
        return CreateIfAbsentMode.CHECK_THEN_WRITE;
      }
      return probe.conditionalComplete() ? CreateIfAbsentMode.CONDITIONAL
          : CreateIfAbsentMode.CONDITIONAL_PUT_ONLY;
    } finally {
      try {
        s3.deleteObject(b -> b.bucket(bucket).key(probeKey));
      } catch (SdkException e) {
        // A probe object left behind is hidden from listings and replaced by the next probe.
      }
    }
  }

  private boolean conditionalPut() {
    try {
      putIfNoneMatch();
    } catch (S3Exception e) {
      if (unsupported(e)) {
        return false;
      }
      // The key is new: a 412 after a retry is this probe's own first attempt having landed.
      if (!(S3Failures.isPreconditionFailed(e) && S3Failures.retried(e))) {
        throw S3Failures.of("probe conditional writes: PUT " + key, e);
      }
    }
    try {
      putIfNoneMatch();
      return false; // the store replaced an existing object: it ignores the condition
    } catch (S3Exception e) {
      if (S3Failures.isPreconditionFailed(e)) {
        return true;
      }
      if (unsupported(e)) {
        return false;
      }
      throw S3Failures.of("probe conditional writes: PUT " + key, e);
    }
  }

  private void putIfNoneMatch() {
    s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(BODY));
  }

  private boolean conditionalComplete() {
    String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
    try {
      String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(1),
          RequestBody.fromBytes(BODY)).eTag();
      s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
          .ifNoneMatch("*")
          .multipartUpload(m -> m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
      return false; // replaced the existing probe object
    } catch (S3Exception e) {
      if (S3Failures.isPreconditionFailed(e)) {
        return true;
      }
      if (unsupported(e)) {
        return false;
      }
      throw S3Failures.of("probe conditional writes: CompleteMultipartUpload " + key, e);
    } finally {
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
      } catch (SdkException e) {
        // Completed (NoSuchUpload) or already gone.
      }
    }
  }

  /** Answers of a store that does not know the header: 400 (bad request), 501 (not implemented). */
  private static boolean unsupported(S3Exception e) {
    return e.statusCode() == 400 || e.statusCode() == 501;
  }
}
