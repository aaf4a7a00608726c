package dev.berth.registry.servlet;

import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request body without holding a thread while the client is between packets: the
 * container calls back when bytes are there ({@link ReadListener}), so a thousand uploads that
 * trickle a byte every few seconds hold no thread and every other request keeps being served.
 *
 * <p>A body that arrives slower than {@code http.minUploadRate} once {@code http.uploadRateGrace}
 * has passed is cut off with 408, as is one that goes silent for the connection's idle timeout;
 * one that breaks off (the client went away, broken chunked framing) is a 400. In each case the
 * handler is told first ({@code broken}), so that an upload chunk keeps what arrived and the client
 * can resume after it. The connection is closed after such an answer, since the rest of the body
 * was not read.
 */
final class AsyncBody implements ReadListener {

  /** Receives the bytes as they arrive. */
  interface Sink {
    void accept(byte[] bytes, int offset, int length) throws IOException;
  }

  private static final int BUFFER = 64 * 1024;

  private final Exchange ex;
  private final AsyncContext async;
  private final ServletInputStream in;
  private final Sink sink;
  private final ErrorCode slow;
  private final ErrorCode incomplete;
  private final Runnable broken;
  private final Exchange.Step then;
  private final long started = System.nanoTime();
  private final byte[] buffer = new byte[BUFFER];
  private long received;
  private boolean ended;

  private AsyncBody(Exchange ex, AsyncContext async, ServletInputStream in, Sink sink,
      ErrorCode slow, ErrorCode incomplete, Runnable broken, Exchange.Step then) {
    this.ex = ex;
    this.async = async;
    this.in = in;
    this.sink = sink;
    this.slow = slow;
    this.incomplete = incomplete;
    this.broken = broken;
    this.then = then;
  }

  static void start(Exchange ex, Sink sink, ErrorCode slow, ErrorCode incomplete, Runnable broken,
      Exchange.Step then) {
    ex.bodyStarted = true;
    if (!ex.hasBody()) {
      ex.run(then);
      return;
    }
    AsyncContext async = ex.startAsync();
    ServletInputStream in;
    try {
      in = ex.request.getInputStream();
    } catch (IOException e) {
      ex.fail(e);
      async.complete();
      return;
    }
    in.setReadListener(new AsyncBody(ex, async, in, sink, slow, incomplete, broken, then));
  }

  @Override
  public void onDataAvailable() {
    try {
      while (!ended && in.isReady()) {
        int n = in.read(buffer);
        if (n < 0) {
          return;
        }
        received += n;
        ex.bytesIn += n;
        sink.accept(buffer, 0, n);
        checkRate();
      }
    } catch (Throwable t) {
      end(t);
    }
  }

  @Override
  public void onAllDataRead() {
    if (ended) {
      return;
    }
    ended = true;
    try {
      ex.run(then);
    } finally {
      async.complete();
    }
  }

  @Override
  public void onError(Throwable t) {
    end(t);
  }

  /** Cuts off a body that arrives slower than the minimum rate, once the grace period is over. */
  private void checkRate() {
    int rate = ex.options.minUploadRate();
    if (rate <= 0) {
      return;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    if (seconds > ex.options.uploadRateGrace().toMillis() / 1000.0 && received < rate * seconds) {
      throw new RegistryException(slow, String.format("the request body arrived at %.1f bytes/s,"
          + " below the minimum of %d bytes/s: cut off after %d bytes", received / seconds, rate,
          received));
    }
  }

  private void end(Throwable t) {
    if (ended) {
      return;
    }
    ended = true;
    ex.closeConnection = true;
    try {
      broken.run();
      ex.fail(translate(t));
    } catch (Throwable also) {
      ex.fail(also);
    } finally {
      async.complete();
    }
  }

  /** What to answer for a body that did not arrive whole. */
  private Throwable translate(Throwable t) {
    if (t instanceof RegistryException) {
      return t;
    }
    if (t instanceof TimeoutException || t.getCause() instanceof TimeoutException) {
      return new RegistryException(slow, "the request body stopped arriving for longer than the"
          + " idle timeout, after " + received + " bytes");
    }
    if (t instanceof IOException || t instanceof IllegalStateException
        || t.getClass().getName().contains("BadMessage")) {
      return new RegistryException(incomplete, "the request body ended early or was malformed"
          + " after " + received + " bytes: " + t.getMessage());
    }
    return t;
  }
}
