package dev.berth.launcher.slow;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Connections that go quiet, and when the server closes them. */
final class Idle {
  private Idle() {}

  /** What came back before the server closed a connection, and after how long. */
  record Closed(byte[] bytes, Duration after) {
    @Override
    public String toString() {
      return "closed after " + after.toMillis() + " ms with \""
          + new String(bytes, StandardCharsets.ISO_8859_1) + "\"";
    }
  }

  /** Connects and sends {@code text} (ISO-8859-1), then nothing more. */
  static Socket open(URI server, String text) throws IOException {
    Socket socket = new Socket(server.getHost(), server.getPort());
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return socket;
  }

  /**
   * Reads until the server closes the connection, and checks that it did so once {@code idle} had
   * passed since {@code start} and within a few seconds of it.
   */
  static Closed awaitClose(Socket socket, long start, Duration idle) throws IOException {
    Duration late = idle.plusSeconds(10);
    socket.setSoTimeout((int) late.toMillis());
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    try {
      for (int b; (b = in.read()) >= 0; ) {
        received.write(b);
      }
    } catch (SocketException reset) {
      // A reset closes the connection as well.
    }
    Closed closed = new Closed(received.toByteArray(), Duration.ofNanos(System.nanoTime()
        - start));
    assertTrue(closed.after().compareTo(idle.minusMillis(200)) >= 0,
        () -> "closed before the idle timeout of " + idle.toMillis() + " ms: " + closed);
    assertTrue(closed.after().compareTo(late) < 0, () -> "still open: " + closed);
    return closed;
  }
}
