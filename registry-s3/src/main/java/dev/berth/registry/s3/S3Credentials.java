package dev.berth.registry.s3;

import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * How the storage signs its requests: a fixed access key and secret key, or the SDK's default
 * chain (environment variables {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, system
 * properties, {@code ~/.aws/credentials}, container and instance roles).
 */
public final class S3Credentials {
  private final String accessKey;
  private final String secretKey;

  private S3Credentials(String accessKey, String secretKey) {
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** A fixed key pair. */
  public static S3Credentials of(String accessKey, String secretKey) {
    if (accessKey == null || accessKey.isEmpty() || secretKey == null || secretKey.isEmpty()) {
      throw new IllegalArgumentException("an S3 access key and secret key must both be given");
    }
    return new S3Credentials(accessKey, secretKey);
  }

  /** Whatever the SDK's default credentials chain finds when the storage starts. */
  public static S3Credentials defaultChain() {
    return new S3Credentials(null, null);
  }

  public boolean isDefaultChain() {
    return accessKey == null;
  }

  /** The access key (not secret), or null for the default chain. */
  public String accessKey() {
    return accessKey;
  }

  AwsCredentialsProvider provider() {
    return isDefaultChain() ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof S3Credentials c && Objects.equals(accessKey, c.accessKey)
        && Objects.equals(secretKey, c.secretKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accessKey, secretKey);
  }

  /** Names the access key, never the secret. */
  @Override
  public String toString() {
    return isDefaultChain() ? "the default AWS credentials chain" : "access key " + accessKey;
  }
}
