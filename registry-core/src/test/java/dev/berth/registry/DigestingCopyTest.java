package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The overlapped copy digests exactly the bytes it writes, in order, whatever the read sizes. */
class DigestingCopyTest {

  /** Returns at most {@code step} bytes per read, as a network stream does. */
  static InputStream trickle(byte[] data, int step) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, step));
      }
    };
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 1000, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1, 3 * 256 * 1024,
      5_000_003})
  void digestsWhatItCopies(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    for (int step : new int[] {size + 1, 4096, 65_537}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
      long copied = DigestingCopy.copy(trickle(data, Math.max(1, step)), out, md);
      assertEquals(size, copied);
      assertArrayEquals(data, out.toByteArray());
      assertEquals(Digest.sha256(data), Digest.fromHash(Digest.SHA256, md.digest()));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 600_000})
  void aBodyThatBreaksOffIsAnInvalidUpload(int before) {
    InputStream broken = new InputStream() {
      int left = before;

      @Override
      public int read() throws IOException {
        throw new IOException("not used");
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left == 0) {
          throw new IOException("Early EOF");
        }
        int n = Math.min(len, left);
        left -= n;
        return n;
      }
    };
    RegistryException e = assertThrows(RegistryException.class, () -> DigestingCopy.copy(broken,
        new ByteArrayOutputStream(), Digest.newMessageDigest(Digest.SHA256)));
    assertEquals(ErrorCode.BLOB_UPLOAD_INVALID, e.code());
  }
}
