package dev.berth.registry.s3;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The two-instance collection stress on S3Proxy with conditional writes switched off:
 * create-if-absent is atomic within each instance only, the lease included.
 */
class TwoInstancesCollectionStressCheckThenWriteOnS3ProxyTest
    extends TwoInstancesCollectionStress {
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
