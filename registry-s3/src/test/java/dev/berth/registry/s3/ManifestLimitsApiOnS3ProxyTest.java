package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.ManifestLimitsApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The manifest size and shape limits on S3 storage. */
class ManifestLimitsApiOnS3ProxyTest extends ManifestLimitsApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("manifest-limits");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
