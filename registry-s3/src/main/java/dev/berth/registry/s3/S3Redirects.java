package dev.berth.registry.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Presigned GET URLs of stored objects, for blob GETs answered with a redirect. Presigning is a
 * local computation (SigV4 over the URL, with the configured credentials): no request to the
 * store. The URL names the endpoint as configured, so clients must reach the store by that name.
 */
final class S3Redirects implements AutoCloseable {
  private final S3Presigner presigner;
  private final String bucket;
  private final Keys keys;
  private final Duration expiry;

  private S3Redirects(S3Presigner presigner, String bucket, Keys keys, Duration expiry) {
    this.presigner = presigner;
    this.bucket = bucket;
    this.keys = keys;
    this.expiry = expiry;
  }

  /** Redirects as the configuration asks for them; null when it asks for none. */
  static S3Redirects of(S3Config config) {
    if (config.redirectExpiry() == null) {
      return null;
    }
    S3Presigner.Builder b = S3Presigner.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(config.credentials().provider())
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(config.pathStyle()).build());
    if (config.endpoint() != null) {
      b.endpointOverride(config.endpoint());
    }
    return new S3Redirects(b.build(), config.bucket(), new Keys(config.rootPrefix()),
        config.redirectExpiry());
  }

  Optional<URI> url(String path) {
    String key = keys.object(path);
    try {
      return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(expiry)
          .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toURI());
    } catch (URISyntaxException e) {
      // Keys are checked ASCII path segments (Keys.check): a URL of one is always a URI.
      throw new IllegalStateException("presigned URL of " + key, e);
    }
  }

  @Override
  public void close() {
    presigner.close();
  }
}
