package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.referrers.ReferrersApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The referrers tests on S3 storage, listed from the storage-backed index. */
class ReferrersApiOnS3ProxyTest extends ReferrersApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("referrers");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
