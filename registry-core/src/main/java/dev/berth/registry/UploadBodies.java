package dev.berth.registry;

import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import java.io.IOException;
import java.io.InputStream;

/** Feeds an {@link UploadBody} from a blocking stream. */
final class UploadBodies {
  private UploadBodies() {}

  private static final int BUFFER = 64 * 1024;

  /**
   * Copies {@code in} into {@code body} and finishes it; a stream that breaks off aborts it (a
   * chunk keeps what arrived) and is {@code BLOB_UPLOAD_INVALID}.
   */
  static <T> T drain(InputStream in, UploadBody<T> body) {
    try (body) {
      byte[] buffer = new byte[BUFFER];
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (IOException e) {
          body.abort();
          throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "the upload body ended early"
              + " after " + body.received() + " bytes: " + e.getMessage(), e);
        }
        if (n < 0) {
          return body.finish();
        }
        body.write(buffer, 0, n);
      }
    }
  }
}
