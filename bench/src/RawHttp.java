import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection on a plain socket, for loops of many small writes where the
 * client's own time would show in the result: {@code java.net.http} costs about 2 ms of client
 * time per request on this machine (see {@link Listings#walk}), which on 2 shared cores is as much
 * as a manifest PUT itself. The request bytes are made before the clock starts; reading an answer
 * is a status line, headers and a body skipped by {@code Content-Length} or chunks.
 */
final class RawHttp implements AutoCloseable {
  private final String host;
  private final int port;
  private Socket socket;
  private OutputStream out;
  private InputStream in;
  private boolean mustReconnect = true;

  RawHttp(String base) {
    URI uri = URI.create(base);
    this.host = uri.getHost();
    this.port = uri.getPort();
  }

  /** A whole request: {@code method path} with a body of {@code contentType}. */
  byte[] request(String method, String path, String contentType, byte[] body) {
    byte[] head = String.format(Locale.ROOT, "%s %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: %s"
        + "\r\nContent-Length: %d\r\n\r\n", method, path, host, port, contentType, body.length)
        .getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  /** Sends one request made by {@link #request} and reads the answer; returns its status. */
  int send(byte[] request) throws IOException {
    if (mustReconnect) {
      open();
    }
    out.write(request);
    out.flush();
    String status = line();
    if (!status.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP answer: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    for (String header = line(); !header.isEmpty(); header = line()) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        mustReconnect = true;
      }
    }
    if (chunked) {
      for (long size; (size = Long.parseLong(line().split(";")[0].trim(), 16)) > 0; ) {
        skip(size);
        line();
      }
      while (!line().isEmpty()) {
        // Trailers.
      }
    } else if (length > 0) {
      skip(length);
    }
    return code;
  }

  /** Connects now (else the first {@link #send} does), so a timed loop starts connected. */
  void open() throws IOException {
    close();
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(host, port), 10_000);
    socket.setSoTimeout(120_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 8192);
    mustReconnect = false;
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        mustReconnect = true;
        throw new IOException("connection closed by " + host + ":" + port);
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  private void skip(long n) throws IOException {
    for (long left = n; left > 0; ) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("connection closed inside a body");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.close();
      socket = null;
    }
    mustReconnect = true;
  }
}
