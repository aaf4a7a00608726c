package dev.berth.registry.s3;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Two instances over one S3Proxy bucket with conditional writes switched off, as on a store that
 * has none: create-if-absent is then atomic within each instance only (docs/design/s3.md).
 */
class TwoInstancesOneBucketCheckThenWriteOnS3ProxyTest extends TwoInstancesOneBucket {
  private static S3ProxyServer proxy;

  @BeforeAll
  static void startProxy() throws Exception {
    proxy = S3ProxyServer.start();
  }

  @AfterAll
  static void stopProxy() {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Override
  S3Server server() {
    return proxy.server();
  }

  @Override
  UnaryOperator<S3Config.Builder> settings() {
    return s -> s.conditionalWrites(false);
  }
}
