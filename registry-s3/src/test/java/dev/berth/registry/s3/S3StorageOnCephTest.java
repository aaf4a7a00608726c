package dev.berth.registry.s3;

import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageContract;
import java.time.Clock;
import org.junit.jupiter.api.BeforeAll;

/** The storage contract on a real Ceph RADOS Gateway (scripts/ceph-rgw). */
class S3StorageOnCephTest extends StorageContract {
  /**
   * Starts (or finds) the gateway once, before any test: without Ceph the class is skipped (or
   * fails under BERTH_REQUIRE_PROGRAMS=1) as a whole, before the contract's per-test hooks run.
   */
  @BeforeAll
  static void gateway() {
    CephGateway.server();
  }

  private S3ContractSupport support;

  @Override
  protected Storage create(Clock clock) {
    support = new S3ContractSupport(CephGateway.server(), s -> s);
    return support.open(clock);
  }

  @Override
  protected boolean keepsUnfinishedWrites() {
    return true;
  }

  @Override
  protected void assertNothingElseLeft() {
    support.assertNoUploadLeft();
  }
}
