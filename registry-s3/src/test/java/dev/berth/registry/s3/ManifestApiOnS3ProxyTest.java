package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.ManifestApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The manifest tests on S3 storage. */
class ManifestApiOnS3ProxyTest extends ManifestApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("manifest-api");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
