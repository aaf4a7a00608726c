package dev.berth.registry;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.StorageWriter;
import dev.berth.registry.upstream.UpstreamBlob;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * A blob body from an upstream on its way to the first client that asked for it and, byte for
 * byte, into a {@link StorageWriter}: each chunk is handed to the client as it arrives, after it
 * went to the writer (the page cache, not the disk). With the last byte of the body (its declared
 * size, else its end) the size and digest are checked before that byte is handed out, and the
 * writer handed to {@link Ending#verified}, which makes the blob durable and visible, possibly
 * after the client got its last byte; a body that does not match is cancelled and the client's
 * read fails, so its connection is cut rather than ended as if complete.
 *
 * <p>Closing before the end (the client went away, or it asked for a range and got it) reads the
 * rest of the body into storage on the closing thread, so that the clients waiting for this fetch
 * are served from storage.
 *
 * <p>The stream keeps how long it waited for its client (between reads) and for the fetch (in
 * reads): clients waiting for the fetch stop waiting for one its own client paces
 * ({@link #pacedByClient}). Without a writer it only checks the body: a client that stopped
 * waiting reads the upstream through one, and nothing is stored.
 */
final class FetchingStream extends InputStream {

  /** What happens when the body ends: exactly one of the two, once. */
  interface Ending {
    /**
     * The body matched its size and digest and every byte is in the writer: commit it (now or
     * later; it must not throw) and end the fetch once it is committed or given up.
     */
    void verified(long size);

    /** The body did not match or broke off: the writer is cancelled and the fetch is over. */
    void failed();

    /** Nothing to do either way: a read that stores nothing. */
    Ending NONE = new Ending() {
      @Override
      public void verified(long size) {}

      @Override
      public void failed() {}
    };
  }

  private final UpstreamBlob body;
  private final Digest digest;
  private final StorageWriter writer;
  private final MessageDigest md;
  private final LongConsumer fetched;
  private final Ending ending;
  /** Bytes before the client's offset, stored but not handed out. */
  private long skip;
  private long count;
  /** Volatile: waiters on other threads read it through pacedByClient. */
  private volatile boolean ended;
  private IOException failure;
  /** Read by waiters on other threads (pacedByClient): how the fetch's time was spent so far. */
  private volatile long clientNanos;
  private volatile long fetchNanos;
  private volatile long returnedAt = System.nanoTime();
  private volatile boolean reading;
  private volatile boolean draining;

  /**
   * @param writer where the bytes go as they arrive, or null to store nothing (a client's own
   *     read of the upstream, checked all the same)
   */
  FetchingStream(UpstreamBlob body, Digest digest, long offset, StorageWriter writer,
      LongConsumer fetched, Ending ending) {
    this.body = body;
    this.digest = digest;
    this.skip = offset;
    this.writer = writer;
    this.md = Digest.newMessageDigest(digest.algorithm());
    this.fetched = fetched;
    this.ending = ending;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    long entered = System.nanoTime();
    clientNanos += entered - returnedAt;
    reading = true;
    try {
      return readTimed(b, off, len);
    } finally {
      long now = System.nanoTime();
      fetchNanos += now - entered;
      returnedAt = now;
      reading = false;
    }
  }

  /**
   * Whether this fetch's body is still arriving and its client has taken more of its time than
   * the upstream and storage did: the client reads slower than the upstream sends, and everyone
   * waiting for the fetch would wait at that client's pace.
   */
  boolean pacedByClient() {
    if (ended || draining) {
      return false;
    }
    long client = clientNanos + (reading ? 0 : Math.max(0, System.nanoTime() - returnedAt));
    return client > fetchNanos;
  }

  private int readTimed(byte[] b, int off, int len) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (ended) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      int n = pull(b, off, len);
      if (n < 0) {
        return -1;
      }
      if (skip >= n) {
        skip -= n;
        continue;
      }
      int from = (int) skip;
      skip = 0;
      if (from > 0) {
        System.arraycopy(b, off + from, b, off, n - from);
      }
      return n - from;
    }
  }

  /** Reads the next bytes from the upstream into storage; -1 once the body ended and matched. */
  private int pull(byte[] b, int off, int len) throws IOException {
    if (ended) {
      return -1;
    }
    int n;
    try {
      n = body.stream().read(b, off, len);
      if (n > 0 && writer != null) {
        writer.write(b, off, n);
      }
    } catch (IOException | RuntimeException e) {
      throw fail("reading blob " + digest + " from the upstream failed after " + count
          + " bytes: " + e.getMessage(), e);
    }
    if (n < 0) {
      end();
      return -1;
    }
    md.update(b, off, n);
    count += n;
    fetched.accept(n);
    if (body.size() >= 0 && count > body.size()) {
      throw fail("the upstream sent more than the " + body.size() + " bytes of blob " + digest,
          null);
    }
    if (count == body.size()) {
      // Verified before the client gets its last bytes: a body that does not match never
      // completes. Its commit need not be done by then (ProxyBlobs: the fetch ends with it).
      end();
    }
    return n;
  }

  private void end() throws IOException {
    if (body.size() >= 0 && count != body.size()) {
      throw fail("the upstream sent " + count + " bytes of blob " + digest + ", not "
          + body.size(), null);
    }
    Digest actual = Digest.fromHash(digest.algorithm(), md.digest());
    if (!actual.equals(digest)) {
      throw fail("the upstream sent bytes whose digest is " + actual + " for blob " + digest
          + "; nothing was stored", null);
    }
    ended = true;
    closeBody();
    ending.verified(count);
  }

  private IOException fail(String message, Throwable cause) {
    failure = new IOException(message, cause);
    try {
      if (writer != null) {
        writer.cancel();
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e); // the fetch must still end, or its waiters wait forever
    } finally {
      if (!ended) {
        ended = true;
        closeBody();
        ending.failed();
      }
    }
    return failure;
  }

  private void closeBody() {
    try {
      body.close();
    } catch (IOException ignored) {
      // The body was read to its end or is being abandoned: nothing to keep.
    }
  }

  /**
   * Reads what is left into storage, so the fetch ends for the clients waiting on it; without a
   * writer there is nothing to keep, and the body is closed.
   */
  @Override
  public void close() {
    if (ended) {
      return;
    }
    if (writer == null) {
      ended = true;
      closeBody();
      return;
    }
    skip = Long.MAX_VALUE;
    draining = true; // the rest goes at the upstream's pace: no client to wait for now
    byte[] buffer = new byte[64 * 1024];
    try {
      while (pull(buffer, 0, buffer.length) >= 0) {
        // drain
      }
    } catch (IOException e) {
      // Recorded by fail(): the writer is cancelled and the waiters fetch again.
    }
  }
}
