package dev.berth.registry.s3;

import org.junit.jupiter.api.BeforeAll;

/** On Ceph RGW, which enforces S3's 5 MiB minimum part (EntityTooSmall). */
class S3JoinBehaviourOnCephTest extends S3JoinBehaviour {
  @BeforeAll
  static void gateway() {
    CephGateway.server();
  }

  @Override
  S3Server server() {
    return CephGateway.server();
  }
}
