package dev.berth.launcher.hostile;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written to a socket byte for byte, for requests that {@code java.net.http} refuses to
 * send or cannot break on purpose: raw bytes in the request line, a {@code Content-Length} larger
 * than the body, broken chunked framing, thousands of headers, a client that closes its side. The
 * request line and headers go out as ISO-8859-1, so a {@code char} below 256 is that byte on the
 * wire ({@code "\u00ff"} is the byte 0xFF).
 */
public final class Wire {

  /** A request as it will be written. */
  public static final class Request {
    final String method;
    final String target;
    final List<String[]> headers = new ArrayList<>();
    byte[] body = new byte[0];
    boolean lengthHeader = true;
    boolean halfClose;
    private byte[] raw;

    private Request(String method, String target) {
      this.method = method;
      this.target = target;
    }

    public static Request of(String method, String target) {
      return new Request(method, target);
    }

    /**
     * Exactly these bytes (ISO-8859-1), with no {@code Host} or anything else added: a request that
     * is malformed before its target.
     */
    public static Request raw(String method, String bytes) {
      Request request = new Request(method, "(raw)");
      request.raw = bytes.getBytes(StandardCharsets.ISO_8859_1);
      request.lengthHeader = false;
      return request;
    }

    public Request header(String name, String value) {
      headers.add(new String[] {name, value});
      return this;
    }

    /** A body with its true {@code Content-Length}. */
    public Request body(byte[] bytes) {
      body = bytes;
      return this;
    }

    public Request body(String text) {
      return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A body sent as given, after a {@code Content-Length} that claims {@code declared} bytes. */
    public Request truncated(byte[] sent, long declared) {
      body = sent;
      lengthHeader = false;
      return header("Content-Length", Long.toString(declared));
    }

    /** {@code Transfer-Encoding: chunked} with {@code framing} sent as is, valid or not. */
    public Request chunkedRaw(byte[] framing) {
      body = framing;
      lengthHeader = false;
      return header("Transfer-Encoding", "chunked");
    }

    /** {@code Transfer-Encoding: chunked}, {@code content} in well-formed 64 KiB chunks. */
    public Request chunked(byte[] content) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 1024);
      for (int at = 0; at < content.length; at += 65536) {
        int n = Math.min(65536, content.length - at);
        out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(content, at, n);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      return chunkedRaw(out.toByteArray());
    }

    /** After the body, the client shuts its sending side (FIN), as a client that gave up. */
    public Request thenClose() {
      halfClose = true;
      return this;
    }

    boolean isHead() {
      return method.equals("HEAD");
    }

    byte[] head(String authority) {
      if (raw != null) {
        return raw;
      }
      StringBuilder text = new StringBuilder(method).append(' ').append(target)
          .append(" HTTP/1.1\r\n");
      text.append("Host: ").append(authority).append("\r\n");
      for (String[] h : headers) {
        text.append(h[0]).append(": ").append(h[1]).append("\r\n");
      }
      if (lengthHeader && (body.length > 0 || method.equals("PUT") || method.equals("POST")
          || method.equals("PATCH"))) {
        text.append("Content-Length: ").append(body.length).append("\r\n");
      }
      text.append("Connection: close\r\n\r\n");
      return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      String shown = target.length() > 120 ? target.substring(0, 120) + "..." : target;
      if (raw != null) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        return "raw " + (text.length() > 120 ? text.substring(0, 120) + "..." : text)
            .replace("\r\n", "\\r\\n");
      }
      return method + " " + shown + " (" + headers.size() + " headers, " + body.length
          + " body bytes)";
    }
  }

  /** What came back: status, headers (names in lower case) and the body read whole. */
  public record Answer(int status, Map<String, List<String>> headers, byte[] body) {

    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return JsonParser.parseString(text()).getAsJsonObject();
    }

    @Override
    public String toString() {
      String shown = body.length > 600 ? text().substring(0, 600) + "..." : text();
      return status + " " + headers + " " + shown;
    }
  }

  private Wire() {}

  /**
   * Sends {@code request} on a fresh connection and reads the answer. The request is written by a
   * second thread, so that an answer the server sends before it read the whole body (a 413 for a
   * declared size) is read while the body is still going out; a write the server refuses to take
   * is not an error.
   */
  public static Answer send(URI server, Request request) throws IOException {
    try (Socket socket = new Socket(server.getHost(), server.getPort())) {
      socket.setSoTimeout(15_000);
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = socket.getOutputStream();
          out.write(request.head(server.getAuthority()));
          out.write(request.body);
          out.flush();
          if (request.halfClose) {
            socket.shutdownOutput();
          }
        } catch (IOException refused) {
          // The server answered and closed before taking everything: the answer is what counts.
        }
      }, "wire-writer");
      writer.setDaemon(true);
      writer.start();
      try {
        return read(socket.getInputStream(), request.isHead());
      } finally {
        try {
          writer.join(15_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** Reads one answer (skipping {@code 100 Continue}) from a connection. */
  public static Answer read(InputStream in, boolean head) throws IOException {
    while (true) {
      String statusLine = line(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP answer: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (String line; !(line = line(in)).isEmpty(); ) {
        int colon = line.indexOf(':');
        headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
      }
      if (status == 100) {
        continue;
      }
      return new Answer(status, headers, body(in, head, status, headers));
    }
  }

  private static byte[] body(InputStream in, boolean head, int status,
      Map<String, List<String>> headers) throws IOException {
    if (head || status == 204 || status == 304) {
      return new byte[0];
    }
    List<String> te = headers.get("transfer-encoding");
    if (te != null && te.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int size; (size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; ) {
        out.write(in.readNBytes(size));
        line(in);
      }
      while (!line(in).isEmpty()) {
        // Trailers.
      }
      return out.toByteArray();
    }
    List<String> length = headers.get("content-length");
    if (length != null) {
      int n = Integer.parseInt(length.get(0));
      byte[] bytes = in.readNBytes(n);
      if (bytes.length != n) {
        throw new EOFException("body ended after " + bytes.length + " of " + n + " bytes");
      }
      return bytes;
    }
    return in.readAllBytes();
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new EOFException("connection closed mid-answer after \""
            + line.toString(StandardCharsets.ISO_8859_1) + "\"");
      }
      line.write(b);
    }
    String text = line.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }
}
