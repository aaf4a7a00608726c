package dev.berth.it.support;

import dev.berth.registry.oci.Digest;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * A pseudo-random blob of any size that is never held in memory: block {@code k} (64 KiB) is the
 * output of {@code SplittableRandom(seed, k)}, so any byte can be regenerated on its own (for a
 * Range check) and the stream computes its SHA-256 while it is read.
 */
public final class RandomBlob {

  private static final int BLOCK = 64 * 1024;

  private final long seed;
  private final long size;

  public RandomBlob(long seed, long size) {
    this.seed = seed;
    this.size = size;
  }

  public long size() {
    return size;
  }

  /** The whole content; for blobs small enough to hold. */
  public byte[] bytes() {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("a blob of " + size + " bytes is streamed, not held");
    }
    return slice(0, (int) size);
  }

  /** {@code length} bytes from {@code offset}. */
  public byte[] slice(long offset, int length) {
    byte[] out = new byte[length];
    byte[] block = new byte[BLOCK];
    int done = 0;
    while (done < length) {
      long at = offset + done;
      long k = at / BLOCK;
      fill(k, block);
      int from = (int) (at % BLOCK);
      int n = Math.min(length - done, BLOCK - from);
      System.arraycopy(block, from, out, done, n);
      done += n;
    }
    return out;
  }

  /** The digest, computed by generating the content once (about a second per 512 MiB). */
  public Digest digest() {
    Stream s = stream();
    byte[] sink = new byte[BLOCK];
    while (s.read(sink, 0, sink.length) > 0) {
      // Only the hash is wanted.
    }
    return s.digest();
  }

  private void fill(long k, byte[] block) {
    new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k).nextBytes(block);
  }

  /** A fresh stream over the content. */
  public Stream stream() {
    return new Stream();
  }

  /** The content as it is generated; {@link #digest()} once it has been read to the end. */
  public final class Stream extends InputStream {
    private final byte[] block = new byte[BLOCK];
    private final MessageDigest sha256;
    private long position;
    private int blockEnd;
    private int blockPos;

    private Stream() {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (blockPos == blockEnd) {
        if (position >= size) {
          return -1;
        }
        fill(position / BLOCK, block);
        blockEnd = (int) Math.min(BLOCK, size - position);
        sha256.update(block, 0, blockEnd);
        blockPos = 0;
      }
      int n = Math.min(len, blockEnd - blockPos);
      System.arraycopy(block, blockPos, b, off, n);
      blockPos += n;
      position += n;
      return n;
    }

    /** The SHA-256 of everything read; fails unless the stream was read to its end. */
    public Digest digest() {
      if (position != size) {
        throw new IllegalStateException("read " + position + " of " + size + " bytes");
      }
      return Digest.fromHash(Digest.SHA256, sha256.digest());
    }
  }
}
