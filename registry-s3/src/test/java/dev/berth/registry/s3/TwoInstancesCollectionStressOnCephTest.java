package dev.berth.registry.s3;

import org.junit.jupiter.api.BeforeAll;

/** The two-instance collection stress on a real Ceph RADOS Gateway. */
class TwoInstancesCollectionStressOnCephTest extends TwoInstancesCollectionStress {
  @BeforeAll
  static void gateway() {
    CephGateway.server();
  }

  @Override
  S3Server server() {
    return CephGateway.server();
  }
}
