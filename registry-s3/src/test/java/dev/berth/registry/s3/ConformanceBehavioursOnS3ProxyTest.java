package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.ConformanceBehavioursTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The conformance suite's workflows on S3 storage. */
class ConformanceBehavioursOnS3ProxyTest extends ConformanceBehavioursTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("conformance");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
