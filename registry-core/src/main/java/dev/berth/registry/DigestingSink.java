package dev.berth.registry;

import dev.berth.registry.storage.StorageException;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Writes an upload into storage while digesting it. Hashing and I/O overlap: bytes collect in a
 * 256 KiB buffer; a full buffer is written out and handed to a digest thread while the next one
 * fills, with three buffers in rotation, and the digest sees them in order. A body that fits in
 * the first buffer is hashed inline. So a push runs at the speed of the slower of SHA-256 and the
 * I/O, not of both added up.
 *
 * <p>The first buffer starts at 16 KiB and doubles as bytes arrive, so a thousand uploads that
 * trickle a byte at a time hold 16 MiB, not 768 MiB.
 */
final class DigestingSink extends OutputStream {

  static final int MAX_BUFFER = 256 * 1024;
  private static final int FIRST_BUFFER = 16 * 1024;
  private static final int BUFFERS = 3;

  private final OutputStream out;
  private final MessageDigest md;
  private final Executor digesters;
  private final byte[][] ring = new byte[BUFFERS][];
  private final CompletableFuture<?>[] hashed = new CompletableFuture<?>[BUFFERS];
  private CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
  private boolean handedOff;
  private int slot;
  private byte[] buffer = new byte[FIRST_BUFFER];
  private int fill;
  private long written;

  /**
   * @param md the digest to update with every byte, or null
   * @param digesters where buffers are hashed
   */
  DigestingSink(OutputStream out, MessageDigest md, Executor digesters) {
    this.out = out;
    this.md = md;
    this.digesters = digesters;
  }

  /** Bytes received, written out or not. */
  long count() {
    return written + fill;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    while (len > 0) {
      if (fill == buffer.length) {
        if (buffer.length < MAX_BUFFER) {
          buffer = Arrays.copyOf(buffer, Math.min(MAX_BUFFER, buffer.length * 2));
        } else {
          handOff();
        }
      }
      int n = Math.min(len, buffer.length - fill);
      System.arraycopy(b, off, buffer, fill, n);
      fill += n;
      off += n;
      len -= n;
    }
  }

  /** Writes out a full buffer, queues its digest, and takes the next buffer of the ring. */
  private void handOff() {
    writeOut(buffer, fill);
    if (md != null) {
      byte[] full = buffer;
      int n = fill;
      chain = chain.thenRunAsync(() -> md.update(full, 0, n), digesters);
      hashed[slot] = chain;
      handedOff = true;
    }
    ring[slot] = buffer;
    slot = (slot + 1) % BUFFERS;
    await(hashed[slot]);
    buffer = ring[slot] != null ? ring[slot] : new byte[MAX_BUFFER];
    fill = 0;
  }

  /** Writes out what is buffered and waits for the digest; returns the number of bytes. */
  long finish() {
    if (fill > 0) {
      writeOut(buffer, fill);
      if (md != null) {
        if (handedOff) {
          byte[] last = buffer;
          int n = fill;
          chain = chain.thenRunAsync(() -> md.update(last, 0, n), digesters);
        } else {
          md.update(buffer, 0, fill);
        }
      }
      fill = 0;
    }
    await(chain);
    return written;
  }

  private void writeOut(byte[] bytes, int n) {
    try {
      out.write(bytes, 0, n);
    } catch (IOException e) {
      throw new StorageException("write upload", e);
    }
    written += n;
  }

  private static void await(CompletableFuture<?> future) {
    if (future == null) {
      return;
    }
    try {
      future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while digesting an upload", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("digesting an upload failed", e.getCause());
    }
  }
}
