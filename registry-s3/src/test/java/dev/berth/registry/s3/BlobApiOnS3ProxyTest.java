package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.BlobApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The blob tests on S3 storage: ranges are ranged GETs, deletes are DeleteObjects. */
class BlobApiOnS3ProxyTest extends BlobApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("blob-api");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
