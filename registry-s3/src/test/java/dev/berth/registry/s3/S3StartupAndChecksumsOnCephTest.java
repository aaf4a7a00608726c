package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3StartupAndChecksumsOnCephTest extends S3StartupAndChecksums {
  /**
   * Starts (or finds) the gateway once, before any test: without Ceph the class is skipped (or
   * fails under BERTH_REQUIRE_PROGRAMS=1) as a whole, before the contract's per-test hooks run.
   */
  @BeforeAll
  static void gateway() {
    CephGateway.server();
  }

  @Override
  S3Server server() {
    return CephGateway.server();
  }

  /**
   * Why the checksum switch exists: a client on the SDK's own defaults (since 2.30: aws-chunked
   * bodies with a CRC32 trailer) cannot write to Ceph RGW 16 at all. Should this start to pass, a
   * newer Ceph took the trailer and docs/design/s3.md should say so.
   */
  @Test
  void theSdkDefaultsCannotWriteToThisGateway() {
    S3Server ceph = server();
    try (S3Client s3 = S3Client.builder().endpointOverride(ceph.endpoint())
        .region(Region.of(ceph.region())).forcePathStyle(true)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .credentialsProvider(S3Credentials.of(ceph.accessKey(), ceph.secretKey()).provider())
        .build()) {
      S3Exception e = assertThrows(S3Exception.class, () -> s3.putObject(
          b -> b.bucket(ceph.bucket()).key("sdk-defaults"), RequestBody.fromString("x")));
      assertEquals(400, e.statusCode());
    }
  }
}
