package dev.berth.registry.s3;

class S3StorageBehaviourOnCephTest extends S3StorageBehaviour {
  @Override
  S3Server server() {
    return CephGateway.server();
  }

  /** Ceph 16.2 refuses a second PUT with If-None-Match: *, but completes a multipart upload. */
  @Override
  CreateIfAbsentMode expectedMode() {
    return CreateIfAbsentMode.CONDITIONAL_PUT_ONLY;
  }
}
