package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.upstream.UpstreamBlob;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Whom a fetch waits for: clients waiting for a fetch give up on one its own client paces
 * (ProxySlowClientIT shows that over HTTP), and must not give up on one the upstream paces.
 */
class FetchingStreamTest {
  static final byte[] BLOB = new byte[64 * 1024];

  static {
    new Random(3).nextBytes(BLOB);
  }

  @Test
  void aFetchTheUpstreamPacesIsNotPacedByItsClient() throws Exception {
    // The upstream hands out 4 KiB every 20 ms; the client reads at once.
    FetchingStream fetch = fetch(new Slow(new ByteArrayInputStream(BLOB), 20));
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] chunk = new byte[4096];
    for (int i = 0; i < 6; i++) {
      read.write(chunk, 0, fetch.readNBytes(chunk, 0, chunk.length));
      assertFalse(fetch.pacedByClient(), "read " + (i + 1) + " of a slow upstream");
    }
    read.writeBytes(fetch.readAllBytes());
    assertArrayEquals(BLOB, read.toByteArray());
    assertFalse(fetch.pacedByClient(), "ended");
  }

  @Test
  void aFetchWhoseClientDawdlesIsPacedByIt() throws Exception {
    FetchingStream fetch = fetch(new ByteArrayInputStream(BLOB));
    byte[] chunk = new byte[4096];
    fetch.readNBytes(chunk, 0, chunk.length);
    Thread.sleep(50); // the client writing what it read to a slow network, say
    assertTrue(fetch.pacedByClient(), "between two reads of a dawdling client");
    fetch.readNBytes(chunk, 0, chunk.length);
    assertTrue(fetch.pacedByClient(), "its time stays counted");
    fetch.close(); // the client went away: the rest is drained at the upstream's pace
    assertFalse(fetch.pacedByClient(), "drained and ended");
  }

  @Test
  void aFetchWhoseClientWentAwayIsDrainedAtTheUpstreamsPace() throws Exception {
    CountDownLatch draining = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean closed = new AtomicBoolean();
    FetchingStream fetch = fetch(new FilterInputStream(new ByteArrayInputStream(BLOB)) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (closed.get()) {
          draining.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.read(b, off, Math.min(len, 4096));
      }
    });
    fetch.readNBytes(new byte[4096], 0, 4096);
    Thread.sleep(50); // the client dawdled, then went away
    assertTrue(fetch.pacedByClient());
    closed.set(true);
    CompletableFuture<Void> close = CompletableFuture.runAsync(fetch::close);
    assertTrue(draining.await(10, TimeUnit.SECONDS));
    assertFalse(fetch.pacedByClient(), "the drain goes at the upstream's pace");
    release.countDown();
    close.get(10, TimeUnit.SECONDS);
  }

  private static FetchingStream fetch(InputStream upstream) {
    AtomicLong fetched = new AtomicLong();
    return new FetchingStream(new UpstreamBlob(BLOB.length, upstream), Digest.sha256(BLOB), 0,
        InMemoryStorage.create().writer("blob"), fetched::addAndGet, FetchingStream.Ending.NONE);
  }

  /** At most 4 KiB a read, each after {@code millis}. */
  private static final class Slow extends FilterInputStream {
    private final long millis;

    Slow(InputStream in, long millis) {
      super(in);
      this.millis = millis;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      return super.read(b, off, Math.min(len, 4096));
    }
  }
}
