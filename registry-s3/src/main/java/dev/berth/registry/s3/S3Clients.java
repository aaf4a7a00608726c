package dev.berth.registry.s3;

import dev.berth.registry.storage.StorageException;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Builds the SDK client for an {@link S3Config} and checks at start that the bucket answers. */
final class S3Clients {
  private S3Clients() {}

  static S3Client build(S3Config config, List<ExecutionInterceptor> interceptors) {
    S3ClientBuilder builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofMinutes(2)))
        .region(Region.of(config.region()))
        .forcePathStyle(config.pathStyle())
        // Plain bodies with a signed SHA-256 rather than aws-chunked streaming signatures: the
        // bodies are byte arrays (hashing them costs what chunk signatures cost), and S3Proxy 4.1
        // stores an aws-chunked PUT yet now and then resets the connection before answering
        // ("Error writing request body to server"), so that the SDK's retry of a conditional PUT
        // met the object its first attempt had created (412).
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .credentialsProvider(config.credentials().provider())
        .requestChecksumCalculation(config.requestChecksums() == ChecksumMode.WHEN_REQUIRED
            ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED)
        .responseChecksumValidation(config.responseChecksums() == ChecksumMode.WHEN_REQUIRED
            ? ResponseChecksumValidation.WHEN_REQUIRED
            : ResponseChecksumValidation.WHEN_SUPPORTED)
        .overrideConfiguration(c -> {
          c.addExecutionInterceptor(new EmptyBodies());
          interceptors.forEach(c::addExecutionInterceptor);
        });
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    try {
      return builder.build();
    } catch (SdkException e) {
      // The default credentials chain or region lookup can fail before any request.
      throw new StorageException("cannot set up the S3 client for " + config + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Asks for the bucket (HeadBucket), so that a wrong endpoint, bucket or key fails at start
   * with a message naming the cause rather than at the first push.
   */
  static void checkBucket(S3Client s3, S3Config config) {
    String where = "S3 bucket \"" + config.bucket() + "\" at "
        + (config.endpoint() == null ? "AWS S3 (" + config.region() + ")" : config.endpoint());
    try {
      s3.headBucket(b -> b.bucket(config.bucket()));
    } catch (S3Exception e) {
      // HeadBucket answers carry no body: the status alone says what is wrong.
      String cause = switch (e.statusCode()) {
        case 404 -> "does not exist (create it first)";
        case 403 -> "refused access (403): check the access key and secret key ("
            + config.credentials() + ") and the bucket's policy";
        case 400 -> "refused the request (400): the region (" + config.region()
            + ") or the signature may not suit this store";
        case 301 -> "is in another region than " + config.region();
        default -> "answered " + e.statusCode();
      };
      throw new StorageException(where + " " + cause + " [" + S3Failures.answer(e) + "]", e);
    } catch (SdkClientException e) {
      throw new StorageException("cannot reach the S3 store for " + where + ": "
          + S3Failures.answer(e), e);
    }
  }
}
