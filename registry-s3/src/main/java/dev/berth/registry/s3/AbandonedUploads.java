package dev.berth.registry.s3;

import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Aborts the multipart uploads under the root prefix that were begun before a given time: what a
 * killed process leaves (its writer's, or a join's, upload), invisible to listings and billed by
 * the store until aborted. Called by the registry's upload purge and by garbage collection with
 * the upload age limit as the cut-off, so a live upload is never aborted unless it has been open
 * longer than a session may live (registry:2's own uploads in the same bucket included, which its
 * purge would abort at the same age). A bucket lifecycle rule for incomplete uploads does the same
 * from the store's side.
 */
final class AbandonedUploads {
  private final S3Client s3;
  private final String bucket;
  private final Keys keys;
  private final ModificationTimes times;

  AbandonedUploads(S3Client s3, String bucket, Keys keys, ModificationTimes times) {
    this.s3 = s3;
    this.bucket = bucket;
    this.keys = keys;
    this.times = times;
  }

  /** Aborts the uploads begun before {@code before} (storage clock); how many. */
  int abortBefore(Instant before) {
    int aborted = 0;
    String keyMarker = null;
    String uploadIdMarker = null;
    while (true) {
      String key = keyMarker;
      String id = uploadIdMarker;
      ListMultipartUploadsResponse page = s3.listMultipartUploads(b -> b.bucket(bucket)
          .prefix(keys.root()).keyMarker(key).uploadIdMarker(id));
      // Initiated is the store's clock: shift it onto the storage clock by the answer's Date.
      Duration storeBehind = times.storeBehind(page.sdkHttpResponse());
      for (MultipartUpload upload : page.uploads()) {
        if (upload.initiated() != null && upload.initiated().plus(storeBehind).isBefore(before)) {
          try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key())
                .uploadId(upload.uploadId()));
            aborted++;
          } catch (SdkException e) {
            // Completed or aborted meanwhile (NoSuchUpload), or refused: the next purge retries.
          }
        }
      }
      if (!Boolean.TRUE.equals(page.isTruncated())) {
        return aborted;
      }
      keyMarker = page.nextKeyMarker();
      uploadIdMarker = page.nextUploadIdMarker();
    }
  }
}
