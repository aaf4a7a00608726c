package dev.berth.registry.s3;

import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageContract;
import java.time.Clock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The storage contract on S3Proxy, conditional writes as the probe finds them. */
class S3StorageOnS3ProxyTest extends StorageContract {
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
  protected Storage create(Clock clock) {
    support = new S3ContractSupport(proxy.server(), s -> s);
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
