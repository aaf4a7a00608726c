package dev.berth.launcher.slow;

import dev.berth.launcher.hostile.Wire;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Many uploads that each trickle a few bytes per tick, on one thread and one {@link Selector}: a
 * {@code PATCH} per connection whose {@code Content-Length} promises more than will ever come, then
 * {@link Upload#perTick} bytes every {@code interval}. The answers (a 408 for those cut off, a 202
 * for those that finish) are read as they come; a connection that gets one stops sending.
 */
final class Trickle implements AutoCloseable {

  /** One upload on its own connection. */
  static final class Upload {
    final String path;
    final byte[] content;
    final int perTick;
    final long declared;
    private SocketChannel channel;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile int sent;
    private volatile Wire.Answer answer;
    private volatile String failure;
    /** When the next bytes are due (the loop thread's clock). */
    private long due;
    private boolean ticked;

    /**
     * @param path the session's path, {@code /v2/<name>/blobs/uploads/<id>}
     * @param content what the upload sends, {@code perTick} bytes at a time, at most
     * @param declared the {@code Content-Length} of the PATCH
     */
    Upload(String path, byte[] content, int perTick, long declared) {
      this.path = path;
      this.content = content;
      this.perTick = perTick;
      this.declared = declared;
    }

    /** How many bytes were written to the connection. */
    int sent() {
      return sent;
    }

    /** The server's answer, once the connection ended; null before. */
    Wire.Answer answer() {
      return answer;
    }

    /** Why no answer could be read, when the connection ended without one. */
    String failure() {
      return failure;
    }
  }

  private final List<Upload> uploads;
  private final Duration interval;
  private final Selector selector;
  /** Opened by the caller, registered and trickled by the loop. */
  private final Queue<Upload> opened = new ConcurrentLinkedQueue<>();
  private final List<Upload> active = new ArrayList<>();
  private final CountDownLatch ticked;
  private final CountDownLatch ended;
  private final Thread thread;
  private volatile boolean stop;

  private Trickle(List<Upload> uploads, Duration interval) throws IOException {
    this.uploads = uploads;
    this.interval = interval;
    this.selector = Selector.open();
    this.ticked = new CountDownLatch(uploads.size());
    this.ended = new CountDownLatch(uploads.size());
    this.thread = new Thread(this::loop, "trickle");
    thread.setDaemon(true);
  }

  /**
   * Connects every upload, sends its headers and first bytes, and keeps trickling: each upload on
   * its own clock from the moment it was opened, so that one opened late in a slow burst does not
   * go quiet for longer than the interval.
   */
  static Trickle start(URI server, List<Upload> uploads, Duration interval) throws IOException {
    Trickle trickle = new Trickle(uploads, interval);
    trickle.thread.start();
    for (Upload upload : uploads) {
      SocketChannel channel = SocketChannel.open(new InetSocketAddress(server.getHost(),
          server.getPort()));
      channel.configureBlocking(false);
      upload.channel = channel;
      String head = "PATCH " + upload.path + " HTTP/1.1\r\nHost: " + server.getAuthority()
          + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + upload.declared
          + "\r\nConnection: close\r\n\r\n";
      write(upload, ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
      tick(upload);
      upload.due = System.nanoTime() + interval.toNanos();
      trickle.opened.add(upload);
      trickle.selector.wakeup();
    }
    return trickle;
  }

  /** Waits until every upload sent its bytes of one interval; false at the deadline. */
  boolean awaitFirstInterval(Duration timeout) throws InterruptedException {
    return ticked.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until every connection ended (answered or broken); false at the deadline. */
  boolean awaitAllEnded(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void loop() {
    try {
      while (!stop && ended.getCount() > 0) {
        for (Upload upload; (upload = opened.poll()) != null; ) {
          upload.channel.register(selector, SelectionKey.OP_READ, upload);
          active.add(upload);
        }
        long now = System.nanoTime();
        long next = now + interval.toNanos();
        for (Upload upload : active) {
          if (upload.channel.isOpen() && upload.due <= now) {
            tick(upload);
            upload.due += interval.toNanos();
            if (!upload.ticked) {
              upload.ticked = true;
              ticked.countDown();
            }
          }
          if (upload.channel.isOpen()) {
            next = Math.min(next, upload.due);
          }
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
        for (SelectionKey key : selector.selectedKeys()) {
          read((Upload) key.attachment());
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the upload's next bytes; a connection the server closed is left to its read. */
  private static void tick(Upload upload) {
    int n = Math.min(upload.perTick, upload.content.length - upload.sent);
    if (n > 0 && upload.answer == null
        && write(upload, ByteBuffer.wrap(upload.content, upload.sent, n))) {
      upload.sent += n;
    }
  }

  /** Writes all of {@code bytes}; false when the server cut the connection. */
  private static boolean write(Upload upload, ByteBuffer bytes) {
    try {
      while (bytes.hasRemaining()) {
        if (upload.channel.write(bytes) == 0) {
          throw new IOException("the server takes no more bytes (socket buffer full)");
        }
      }
      return true;
    } catch (IOException e) {
      // What the server answered before it cut the connection, if anything, is read next.
      return false;
    }
  }

  private void read(Upload upload) {
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    try {
      int n;
      while ((n = upload.channel.read(buffer)) > 0) {
        upload.received.write(buffer.array(), 0, n);
        buffer.clear();
      }
      if (n < 0) {
        end(upload, null);
      }
    } catch (IOException e) {
      end(upload, e.toString());
    }
  }

  private void end(Upload upload, String error) {
    try {
      upload.channel.close();
    } catch (IOException ignored) {
      // Closed either way.
    }
    if (!upload.ticked) {
      upload.ticked = true;
      ticked.countDown();
    }
    byte[] bytes = upload.received.toByteArray();
    try {
      upload.answer = Wire.read(new ByteArrayInputStream(bytes), false);
    } catch (IOException | RuntimeException e) {
      upload.failure = (error == null ? "" : error + "; ") + "no answer in "
          + new String(bytes, StandardCharsets.ISO_8859_1) + " (" + e + ")";
    }
    ended.countDown();
  }

  /** The uploads whose connection ended without an answer, described. */
  List<String> failures() {
    List<String> out = new ArrayList<>();
    for (Upload upload : uploads) {
      if (upload.failure != null) {
        out.add(upload.path + ": " + upload.failure);
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    stop = true;
    selector.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Upload upload : uploads) {
      upload.channel.close();
    }
    selector.close();
  }
}
