package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.TagApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The tag tests on S3 storage. */
class TagApiOnS3ProxyTest extends TagApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("tag-api");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
