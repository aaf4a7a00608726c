package dev.berth.registry.s3;

import java.net.URI;
import java.util.UUID;
import software.amazon.awssdk.services.s3.S3Client;

/** An S3 store that a test talks to: its address, keys and a bucket that exists. */
record S3Server(String name, URI endpoint, String accessKey, String secretKey, String bucket,
    String region) {

  /** A configuration for this store under a fresh root prefix, so that tests never meet. */
  S3Config.Builder config(String prefixHint) {
    return base(bucket).rootPrefix(prefixHint + "-" + UUID.randomUUID());
  }

  S3Config.Builder base(String bucketName) {
    return S3Config.builder(bucketName).endpoint(endpoint).region(region)
        .credentials(S3Credentials.of(accessKey, secretKey)).pathStyle(true);
  }

  /** A plain client, to look at the bucket behind the storage's back. */
  S3Client client() {
    return S3Clients.build(base(bucket).build(), java.util.List.of());
  }
}
