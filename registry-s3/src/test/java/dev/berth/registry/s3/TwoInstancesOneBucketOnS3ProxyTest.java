package dev.berth.registry.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Two instances over one S3Proxy bucket, with conditional writes. */
class TwoInstancesOneBucketOnS3ProxyTest extends TwoInstancesOneBucket {
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
}
