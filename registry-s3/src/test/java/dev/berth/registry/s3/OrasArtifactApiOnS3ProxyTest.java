package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.referrers.OrasArtifactApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ORAS artifact tests on S3 storage. */
class OrasArtifactApiOnS3ProxyTest extends OrasArtifactApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("oras");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
