package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * What the storage contract's S3 subclasses share: each test gets a fresh root prefix with 5 MiB
 * parts (so that the contract's 6 MiB writers are multipart uploads), and after each test no
 * multipart upload may be left open under that prefix.
 */
final class S3ContractSupport {
  private final S3Server server;
  private final UnaryOperator<S3Config.Builder> settings;
  private S3Config last;

  S3ContractSupport(S3Server server, UnaryOperator<S3Config.Builder> settings) {
    this.server = server;
    this.settings = settings;
  }

  S3Storage open(Clock clock) {
    last = settings.apply(server.config("contract").partSize(S3Config.MIN_PART_SIZE)).build();
    return S3Storage.open(last, clock);
  }

  /** No multipart upload is left open under the last storage's prefix. */
  void assertNoUploadLeft() {
    if (last == null) {
      return;
    }
    try (S3Client raw = server.client()) {
      List<String> open = raw.listMultipartUploads(b -> b.bucket(last.bucket())
          .prefix(last.rootPrefix() + "/")).uploads().stream().map(MultipartUpload::key).toList();
      assertEquals(List.of(), open, "no multipart upload is left open");
    }
  }
}
