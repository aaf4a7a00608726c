package dev.berth.registry.servlet;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The buffers blob GETs copy through, kept for the next GET rather than allocated per request.
 *
 * <p>A pull holds its buffer for as long as its client takes (seconds for a large layer), so a
 * buffer allocated per request outlives the young collections it meets: under bin/berth's 128 MiB
 * heap, 32 concurrent pulls of 32 MiB held 8 MiB of buffers, more than a survivor space holds, and
 * every young collection promoted them; the old generation filled and was collected whole every
 * minute or so. Kept buffers sit in the old generation once and are reused. At most {@code keep}
 * are kept (a burst beyond it allocates and drops as before), so what stays is bounded.
 */
final class CopyBuffers {
  private final int size;
  /** Bounded: an offer beyond {@code keep} is refused, and that buffer is left to the collector. */
  private final ArrayBlockingQueue<byte[]> free;

  CopyBuffers(int size, int keep) {
    this.size = size;
    this.free = new ArrayBlockingQueue<>(keep);
  }

  /** A buffer of {@code size} bytes; give it back with {@link #release} when done. */
  byte[] take() {
    byte[] b = free.poll();
    return b != null ? b : new byte[size];
  }

  /** Keeps {@code buffer} for the next {@link #take}, unless {@code keep} are kept already. */
  void release(byte[] buffer) {
    if (buffer.length != size) {
      throw new IllegalArgumentException("a buffer of " + buffer.length + " bytes, not " + size);
    }
    free.offer(buffer);
  }

  /** How many buffers are kept now. */
  int kept() {
    return free.size();
  }
}
