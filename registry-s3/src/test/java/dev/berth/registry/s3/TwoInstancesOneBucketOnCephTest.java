package dev.berth.registry.s3;

import org.junit.jupiter.api.BeforeAll;

/** Two instances over one bucket of a real Ceph RADOS Gateway (scripts/ceph-rgw). */
class TwoInstancesOneBucketOnCephTest extends TwoInstancesOneBucket {
  @BeforeAll
  static void gateway() {
    CephGateway.server();
  }

  @Override
  S3Server server() {
    return CephGateway.server();
  }
}
