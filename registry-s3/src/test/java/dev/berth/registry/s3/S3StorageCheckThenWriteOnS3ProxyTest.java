package dev.berth.registry.s3;

import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageContract;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The storage contract with conditional writes switched off: create-if-absent by HEAD then PUT
 * under a per-key lock, as on a store without If-None-Match.
 */
class S3StorageCheckThenWriteOnS3ProxyTest extends StorageContract {
  private static S3ProxyServer proxy;

  @BeforeAll
  static void startProxy() throws Exception {
    proxy = S3ProxyServer.start();
  }

  @AfterAll
  static void stopProxy() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
  }

  private S3ContractSupport support;

  @Override
  protected boolean keepsUnfinishedWrites() {
    return true;
  }

  @Override
  protected void assertNothingElseLeft() {
    support.assertNoUploadLeft();
  }

  @Override
  protected Storage create(Clock clock) {
    support = new S3ContractSupport(proxy.server(), s -> s.conditionalWrites(false));
    S3Storage storage = support.open(clock);
    if (storage.createIfAbsentMode() != CreateIfAbsentMode.CHECK_THEN_WRITE) {
      throw new AssertionError("conditional writes were not switched off");
    }
    return storage;
  }
}
