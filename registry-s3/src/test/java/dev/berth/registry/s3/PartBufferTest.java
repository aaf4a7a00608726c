package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

class PartBufferTest {
  private static byte[] read(RequestBody body) throws IOException {
    try (InputStream in = body.contentStreamProvider().newStream()) {
      return in.readAllBytes();
    }
  }

  @Test
  void holdsExactlyOnePartAcrossChunkBoundaries() throws IOException {
    int capacity = S3Config.MIN_PART_SIZE;
    byte[] content = new byte[capacity + 1000];
    new Random(7).nextBytes(content);
    PartBuffer buffer = new PartBuffer(capacity);
    int taken = 0;
    for (int step : new int[] {1, 16 * 1024 - 1, 5, 256 * 1024, 3_000_000}) {
      taken += buffer.add(content, taken, step);
    }
    taken += buffer.add(content, taken, content.length - taken);
    assertEquals(capacity, taken, "no more than the part");
    assertTrue(buffer.full());
    RequestBody body = buffer.body();
    assertEquals(capacity, body.optionalContentLength().orElseThrow());
    byte[] expected = Arrays.copyOf(content, capacity);
    assertArrayEquals(expected, read(body));
    assertArrayEquals(expected, read(body), "read again for a retry");
  }

  @Test
  void isReusedForTheNextPart() throws IOException {
    PartBuffer buffer = new PartBuffer(S3Config.MIN_PART_SIZE);
    buffer.add(new byte[100_000], 0, 100_000);
    buffer.clear();
    byte[] next = {1, 2, 3};
    assertEquals(3, buffer.add(next, 0, 3));
    assertFalse(buffer.full());
    assertArrayEquals(next, read(buffer.body()));
  }
}
