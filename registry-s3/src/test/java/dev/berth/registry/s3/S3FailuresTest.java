package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.storage.StorageException;
import dev.berth.registry.storage.StorageFullException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3FailuresTest {
  private static S3Exception answer(int status, String code, String message) {
    return (S3Exception) S3Exception.builder().statusCode(status).requestId("req-1")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
        .build();
  }

  @Test
  void quotasAndFullStoresAreStorageFull() {
    assertInstanceOf(StorageFullException.class,
        S3Failures.of("write x", answer(403, "QuotaExceeded", null)));
    assertInstanceOf(StorageFullException.class,
        S3Failures.of("write x", answer(507, "XMinioStorageFull", "Storage backend is full")));
    assertInstanceOf(StorageFullException.class,
        S3Failures.of("write x", answer(507, "InsufficientStorage", null)));
  }

  @Test
  void otherAnswersKeepTheStoresWords() {
    StorageException e = S3Failures.of("move a to b", answer(500, "InternalError", "oops"));
    assertFalse(e instanceof StorageFullException);
    assertEquals("move a to b: the S3 store answered 500 InternalError: oops (request req-1)",
        e.getMessage());
  }

  @Test
  void noAnswerSaysWhyNot() {
    SdkClientException e = SdkClientException.builder().message("Unable to execute HTTP request")
        .cause(new ConnectException("Connection refused")).build();
    assertEquals("list d: no answer from the S3 store: Unable to execute HTTP request"
        + " (ConnectException: Connection refused)", S3Failures.of("list d", e).getMessage());
  }

  @Test
  void aMissingBucketIsNoMissingObject() {
    assertTrue(S3Failures.isNotFound(answer(404, "NoSuchKey", null)));
    assertFalse(S3Failures.isNotFound(answer(404, "NoSuchBucket", null)));
  }
}
