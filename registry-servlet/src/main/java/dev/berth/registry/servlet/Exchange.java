package dev.berth.registry.servlet;

import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One request and its response, with the route's parameters and the helpers handlers share. */
final class Exchange {

  final HttpServletRequest request;
  final HttpServletResponse response;
  final Route.Match match;
  final String method;
  private final boolean relativeUrls;
  private Map<String, List<String>> query;
  private RepositoryName repository;

  Exchange(HttpServletRequest request, HttpServletResponse response, Route.Match match,
      boolean relativeUrls) {
    this.request = request;
    this.response = response;
    this.match = match;
    this.method = request.getMethod();
    this.relativeUrls = relativeUrls;
  }

  /** The repository named in the path. @throws RegistryException NAME_INVALID */
  RepositoryName repository() {
    if (repository == null) {
      repository = RepositoryName.parse(match.group("name"));
    }
    return repository;
  }

  boolean hasRepository() {
    return match.group("name") != null;
  }

  String path(String group) {
    return match.group(group);
  }

  boolean isHead() {
    return "HEAD".equals(method);
  }

  /** A query parameter, percent-decoded ({@code +} stays a plus: it occurs in media types). */
  String query(String name) {
    List<String> values = queryParameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  Map<String, List<String>> queryParameters() {
    if (query == null) {
      query = new LinkedHashMap<>();
      String raw = request.getQueryString();
      if (raw != null && !raw.isEmpty()) {
        for (String pair : raw.split("&")) {
          if (pair.isEmpty()) {
            continue;
          }
          int eq = pair.indexOf('=');
          String key = PercentDecoding.decode(eq < 0 ? pair : pair.substring(0, eq));
          String value = eq < 0 ? "" : PercentDecoding.decode(pair.substring(eq + 1));
          query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
      }
    }
    return query;
  }

  /**
   * The {@code n} query parameter, or {@code absent} when not given.
   *
   * @throws RegistryException PAGINATION_NUMBER_INVALID when it is not a non-negative integer
   */
  int pageSize(int absent) {
    String n = query("n");
    if (n == null || n.isEmpty()) {
      return absent;
    }
    try {
      int value = Integer.parseInt(n);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID,
          "invalid page size n=" + n + ": expected a non-negative integer");
    }
  }

  String header(String name) {
    return request.getHeader(name);
  }

  /** The declared body length, or -1 when unknown (chunked). */
  long contentLength() {
    return request.getContentLengthLong();
  }

  /** Whether the request carries a body: a positive length, or a chunked one. */
  boolean hasBody() {
    long length = contentLength();
    if (length > 0) {
      return true;
    }
    String te = header("Transfer-Encoding");
    return length < 0 && te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked");
  }

  InputStream body() throws IOException {
    return request.getInputStream();
  }

  /**
   * Reads the body, at most {@code limit} bytes.
   *
   * @throws RegistryException {@code tooLarge} when the body is longer
   */
  byte[] readBody(int limit, ErrorCode tooLarge, String what) throws IOException {
    long declared = contentLength();
    if (declared > limit) {
      throw new RegistryException(tooLarge, what + " is " + declared + " bytes, over the limit of "
          + limit);
    }
    try (InputStream in = body()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 4096);
      byte[] buffer = new byte[16 * 1024];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        if (out.size() > limit) {
          throw new RegistryException(tooLarge, what + " is over the limit of " + limit + " bytes");
        }
      }
      return out.toByteArray();
    }
  }

  /** An absolute URL for a registry path, unless relative URLs are configured. */
  String url(String path) {
    String full = request.getContextPath() + path;
    if (relativeUrls) {
      return full;
    }
    String scheme = request.getScheme();
    int port = request.getServerPort();
    boolean defaultPort = port <= 0 || ("http".equals(scheme) && port == 80)
        || ("https".equals(scheme) && port == 443);
    String host = request.getServerName();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return scheme + "://" + host + (defaultPort ? "" : ":" + port) + full;
  }

  /** A {@code Link: <...>; rel="next"} header (relative, as registry:2 sends it). */
  void linkNext(String pathAndQuery) {
    response.setHeader("Link", "<" + request.getContextPath() + pathAndQuery + ">; rel=\"next\"");
  }

  void status(int status) {
    response.setStatus(status);
  }

  void header(String name, String value) {
    response.setHeader(name, value);
  }

  /** Sends a body with its type and length (headers only for HEAD). */
  void send(int status, String contentType, byte[] body) throws IOException {
    response.setStatus(status);
    response.setContentType(contentType);
    response.setContentLengthLong(body.length);
    if (!isHead()) {
      try (OutputStream out = response.getOutputStream()) {
        out.write(body);
      }
    }
  }

  void sendJson(int status, String json) throws IOException {
    send(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** An empty answer: {@code Content-Length: 0}. */
  void sendEmpty(int status) {
    response.setStatus(status);
    response.setContentLength(0);
  }
}
