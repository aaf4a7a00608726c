package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.UploadApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The upload tests on S3 storage: chunks as objects, joined by the store at completion. */
class UploadApiOnS3ProxyTest extends UploadApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("upload-api");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
