package dev.berth.registry.s3;

import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageContract;
import java.time.Clock;

/** The storage contract on a real Ceph RADOS Gateway (scripts/ceph-rgw). */
class S3StorageOnCephTest extends StorageContract {
  @Override
  protected Storage create(Clock clock) {
    return S3Storage.open(CephGateway.server().config("contract").build(), clock);
  }
}
