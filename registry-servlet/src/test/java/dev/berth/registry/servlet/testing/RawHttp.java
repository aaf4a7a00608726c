package dev.berth.registry.servlet.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Requests that {@code java.net.http} refuses to send (malformed request targets), written to a
 * socket as they are. Only the status line of the answer is read.
 */
public final class RawHttp {
  private RawHttp() {}

  /** Sends {@code METHOD target HTTP/1.1} with no body and returns the answer's status code. */
  public static int status(URI server, String method, String target) {
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + target + " HTTP/1.1\r\nHost: " + server.getAuthority()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
        line.write(b);
      }
      String status = line.toString(StandardCharsets.ISO_8859_1).trim();
      String[] parts = status.split(" ");
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IllegalStateException("not an HTTP answer: " + status);
      }
      return Integer.parseInt(parts[1]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
