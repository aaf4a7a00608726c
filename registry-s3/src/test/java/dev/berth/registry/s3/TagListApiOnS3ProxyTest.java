package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.TagListApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tag listing tests on S3 storage: S3's key order is not the name order. */
class TagListApiOnS3ProxyTest extends TagListApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("tag-list");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
