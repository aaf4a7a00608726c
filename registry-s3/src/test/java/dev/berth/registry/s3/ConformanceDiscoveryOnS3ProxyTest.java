package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.ConformanceDiscoveryTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite's discovery and content management on S3 storage. */
class ConformanceDiscoveryOnS3ProxyTest extends ConformanceDiscoveryTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("discovery");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
