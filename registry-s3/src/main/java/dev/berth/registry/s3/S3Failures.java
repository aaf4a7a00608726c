package dev.berth.registry.s3;

import dev.berth.registry.storage.StorageException;
import dev.berth.registry.storage.StorageFullException;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns the SDK's exceptions into the storage's typed ones, keeping the store's answer. */
final class S3Failures {
  private S3Failures() {}

  /**
   * Error codes that mean "no room": Ceph RGW's user and bucket quotas answer 403
   * {@code QuotaExceeded}; MinIO answers 507 {@code XMinioStorageFull}; RGW with a full cluster
   * answers 507 {@code InsufficientCapacity}.
   */
  private static final Set<String> FULL = Set.of("QuotaExceeded", "XMinioStorageFull",
      "InsufficientCapacity", "XMinioAdminBucketQuotaExceeded");

  static boolean isStatus(SdkException e, int status) {
    return e instanceof S3Exception s && s.statusCode() == status;
  }

  /** A missing key, as opposed to a missing bucket (both are 404). */
  static boolean isNotFound(SdkException e) {
    return isStatus(e, 404) && !"NoSuchBucket".equals(code(e));
  }

  /** Whether the SDK sent the request more than once (an earlier attempt may have landed). */
  static boolean retried(SdkException e) {
    Integer attempts = e.numAttempts();
    return attempts != null && attempts > 1;
  }

  static boolean isPreconditionFailed(SdkException e) {
    return isStatus(e, 412);
  }

  static String code(SdkException e) {
    return e instanceof S3Exception s && s.awsErrorDetails() != null
        ? s.awsErrorDetails().errorCode() : null;
  }

  /** The exception to throw for a failed {@code operation} (e.g. "put docker/…/link"). */
  static StorageException of(String operation, SdkException e) {
    String answer = answer(e);
    if (e instanceof S3Exception s && (s.statusCode() == 507 || FULL.contains(code(e)))) {
      return new StorageFullException(operation + ": the S3 store is full or over quota ("
          + answer + ")", e);
    }
    return new StorageException(operation + ": " + answer, e);
  }

  /** What the store (or the client, when there was no answer) said, in one line. */
  static String answer(SdkException e) {
    if (e instanceof S3Exception s) {
      StringBuilder b = new StringBuilder("the S3 store answered ").append(s.statusCode());
      String code = code(e);
      if (code != null && !code.isEmpty()) {
        b.append(' ').append(code);
      }
      String message = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorMessage();
      if (message != null && !message.isEmpty()) {
        b.append(": ").append(message);
      }
      if (s.requestId() != null) {
        b.append(" (request ").append(s.requestId()).append(')');
      }
      return b.toString();
    }
    if (e instanceof SdkClientException) {
      return "no answer from the S3 store: " + rootMessage(e);
    }
    return e.getMessage();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String own = e.getMessage();
    if (root == e) {
      return own;
    }
    return own + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }
}
