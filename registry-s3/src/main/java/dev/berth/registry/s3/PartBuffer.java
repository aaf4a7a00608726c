package dev.berth.registry.s3;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The bytes of one part, in chunks: it grows without copying (a doubling array would hold one and
 * a half parts while it grows) and is reused for the next part, so a writer holds at most one part
 * plus one chunk. The first chunk is small, since most objects Berth writes (links, markers) are.
 */
final class PartBuffer {
  private static final int FIRST_CHUNK = 16 * 1024;
  private static final int CHUNK = 256 * 1024;

  private final int capacity;
  private final List<byte[]> chunks = new ArrayList<>();
  private int size;

  PartBuffer(int capacity) {
    this.capacity = capacity;
  }

  int size() {
    return size;
  }

  boolean full() {
    return size == capacity;
  }

  /** Copies up to {@code len} bytes in, as many as fit; returns how many. */
  int add(byte[] b, int off, int len) {
    int added = 0;
    while (added < len && size < capacity) {
      int chunk = chunkAt(size);
      int within = size - startOf(chunk);
      if (chunk == chunks.size()) {
        chunks.add(new byte[chunkLength(chunk)]);
      }
      byte[] target = chunks.get(chunk);
      int n = Math.min(len - added, Math.min(target.length - within, capacity - size));
      System.arraycopy(b, off + added, target, within, n);
      size += n;
      added += n;
    }
    return added;
  }

  /** Empties the buffer for the next part, keeping its chunks. */
  void clear() {
    size = 0;
  }

  /** A request body over the bytes, without copying them; re-readable for signing and retries. */
  RequestBody body() {
    int length = size;
    List<byte[]> parts = List.copyOf(chunks);
    return RequestBody.fromContentProvider(() -> stream(parts, length), length,
        "application/octet-stream");
  }

  private static InputStream stream(List<byte[]> parts, int length) {
    List<InputStream> streams = new ArrayList<>();
    int remaining = length;
    for (byte[] chunk : parts) {
      if (remaining == 0) {
        break;
      }
      int n = Math.min(remaining, chunk.length);
      streams.add(new ByteArrayInputStream(chunk, 0, n));
      remaining -= n;
    }
    return new SequenceInputStream(Collections.enumeration(streams));
  }

  private static int chunkLength(int index) {
    return index == 0 ? FIRST_CHUNK : CHUNK;
  }

  private static int startOf(int index) {
    return index == 0 ? 0 : FIRST_CHUNK + (index - 1) * CHUNK;
  }

  private static int chunkAt(int offset) {
    return offset < FIRST_CHUNK ? 0 : 1 + (offset - FIRST_CHUNK) / CHUNK;
  }
}
