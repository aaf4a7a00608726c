package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.oci.Digest;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The overlapped sink digests exactly the bytes it writes, in order, whatever the piece sizes. */
class DigestingSinkTest {

  private static final ExecutorService DIGESTERS = Executors.newFixedThreadPool(2);

  @AfterAll
  static void stop() {
    DIGESTERS.shutdown();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 1000, 16 * 1024, 256 * 1024 - 1, 256 * 1024, 256 * 1024 + 1,
      3 * 256 * 1024, 5_000_003})
  void digestsWhatItWrites(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    for (int step : new int[] {size + 1, 1, 4096, 65_537}) {
      if (step == 1 && size > 300_000) {
        continue;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
      DigestingSink sink = new DigestingSink(out, md, DIGESTERS);
      for (int at = 0; at < size; at += step) {
        sink.write(data, at, Math.min(step, size - at));
      }
      assertEquals(size, sink.count());
      assertEquals(size, sink.finish());
      assertArrayEquals(data, out.toByteArray());
      assertEquals(Digest.sha256(data), Digest.fromHash(Digest.SHA256, md.digest()),
          "size " + size + ", pieces of " + step);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {10, 600_000})
  void withoutADigestItOnlyCopies(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DigestingSink sink = new DigestingSink(out, null, DIGESTERS);
    sink.write(data, 0, size);
    assertEquals(size, sink.finish());
    assertArrayEquals(data, out.toByteArray());
  }
}
