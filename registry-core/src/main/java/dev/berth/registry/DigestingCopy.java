package dev.berth.registry;

import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Copies an upload body into storage while digesting it. Hashing and I/O overlap: a request thread
 * reads 256 KiB, writes it, and hands it to a digest thread while it reads the next, with three
 * buffers in rotation; the digest sees the buffers in order. A body that fits in the first buffer
 * is hashed inline. So a push runs at the speed of the slower of SHA-256 and the I/O, not of both
 * added up.
 */
final class DigestingCopy {
  private DigestingCopy() {}

  private static final int BUFFER = 256 * 1024;
  private static final int BUFFERS = 3;

  /** Digest threads: created on demand, daemon, gone after a minute idle. */
  private static final Executor DIGESTERS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60,
      TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "berth-digest");
        t.setDaemon(true);
        return t;
      });

  /**
   * Copies {@code in} to {@code out}, updating {@code md} (which may be null) with every byte.
   *
   * @return the number of bytes copied
   * @throws RegistryException {@code BLOB_UPLOAD_INVALID} when the body ends early
   * @throws StorageException when writing fails
   */
  static long copy(InputStream in, OutputStream out, MessageDigest md) {
    byte[][] buffers = new byte[BUFFERS][];
    CompletableFuture<?>[] hashed = new CompletableFuture<?>[BUFFERS];
    CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
    long total = 0;
    for (int i = 0; ; i = (i + 1) % BUFFERS) {
      await(hashed[i]);
      if (buffers[i] == null) {
        buffers[i] = new byte[BUFFER];
      }
      byte[] buffer = buffers[i];
      int n = fill(in, buffer, total);
      if (n > 0) {
        try {
          out.write(buffer, 0, n);
        } catch (IOException e) {
          throw new StorageException("write upload", e);
        }
        total += n;
        if (md != null) {
          if (total == n && n < BUFFER) {
            md.update(buffer, 0, n);
          } else {
            int length = n;
            chain = chain.thenRunAsync(() -> md.update(buffer, 0, length), DIGESTERS);
            hashed[i] = chain;
          }
        }
      }
      if (n < BUFFER) {
        await(chain);
        return total;
      }
    }
  }

  /** Reads until {@code buffer} is full or the body ends; returns how much was read. */
  private static int fill(InputStream in, byte[] buffer, long before) {
    int filled = 0;
    while (filled < buffer.length) {
      int n;
      try {
        n = in.read(buffer, filled, buffer.length - filled);
      } catch (IOException e) {
        throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID, "the upload body ended early"
            + " after " + (before + filled) + " bytes: " + e.getMessage(), e);
      }
      if (n < 0) {
        break;
      }
      filled += n;
    }
    return filled;
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
