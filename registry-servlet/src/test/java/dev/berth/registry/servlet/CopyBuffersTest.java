package dev.berth.registry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CopyBuffersTest {

  @Test
  void aReleasedBufferIsTakenAgainAndTwoTakesNeverShareOne() {
    CopyBuffers buffers = new CopyBuffers(16, 4);
    byte[] first = buffers.take();
    byte[] second = buffers.take();
    assertNotSame(first, second);
    assertEquals(16, first.length);

    buffers.release(first);
    assertEquals(1, buffers.kept());
    assertSame(first, buffers.take());
    assertEquals(0, buffers.kept());
    assertNotSame(first, buffers.take());
  }

  @Test
  void noMoreThanKeepAreKept() {
    CopyBuffers buffers = new CopyBuffers(16, 2);
    byte[][] taken = {buffers.take(), buffers.take(), buffers.take()};
    for (byte[] b : taken) {
      buffers.release(b);
    }
    assertEquals(2, buffers.kept());
    assertSame(taken[0], buffers.take());
    assertSame(taken[1], buffers.take());
    assertNotSame(taken[2], buffers.take());
  }

  @Test
  void aBufferOfAnotherSizeIsRefused() {
    CopyBuffers buffers = new CopyBuffers(16, 2);
    assertThrows(IllegalArgumentException.class, () -> buffers.release(new byte[8]));
    assertEquals(0, buffers.kept());
  }
}
