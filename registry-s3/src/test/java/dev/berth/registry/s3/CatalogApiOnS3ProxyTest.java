package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.CatalogApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The catalog tests on S3 storage, listed by prefix with delimiters. */
class CatalogApiOnS3ProxyTest extends CatalogApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("catalog-api");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
