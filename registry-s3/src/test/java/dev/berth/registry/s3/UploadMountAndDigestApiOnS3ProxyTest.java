package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.api.UploadMountAndDigestApiTest;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cross-repository mounts and digest checks on S3 storage. */
class UploadMountAndDigestApiOnS3ProxyTest extends UploadMountAndDigestApiTest {
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("upload-mount");

  @Override
  protected Registry newRegistry() {
    return S3.newRegistry();
  }
}
