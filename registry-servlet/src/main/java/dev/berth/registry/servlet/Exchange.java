package dev.berth.registry.servlet;

import dev.berth.registry.access.Permit;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Strings;
import dev.berth.registry.servlet.config.HttpOptions;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One request and its response, with the route's parameters and the helpers handlers share. */
final class Exchange {

  final HttpServletRequest request;
  final HttpServletResponse response;
  final Route.Match match;
  final String method;
  final HttpOptions options;
  private final String prefix;
  private final Failures failures;
  private Map<String, List<String>> query;
  private RepositoryName repository;
  /** Whether a handler began reading the body (so a failure must not read it again). */
  boolean bodyStarted;
  /** Whether the answer must close the connection (part of the body was left unread). */
  boolean closeConnection;
  /** What the access seam let this request do, for the handlers' later questions. */
  Permit permit = Permit.ALL;
  /** Body bytes read from the client and written to it, for metrics and the access log. */
  volatile long bytesIn;
  volatile long bytesOut;
  /** The request's way to the {@link RequestObserver}; null when nothing observes. */
  Observation observation;

  Exchange(HttpServletRequest request, HttpServletResponse response, Route.Match match,
      HttpOptions options, Failures failures) {
    this.request = request;
    this.response = response;
    this.match = match;
    this.method = request.getMethod();
    this.options = options;
    this.prefix = prefix(request);
    this.failures = failures;
  }

  /**
   * What the servlet is mounted under: the context path, and the servlet path of a prefix mapping
   * ({@code /registry} for {@code /registry/*}, as Spring Boot registers servlets).
   */
  static String prefix(HttpServletRequest request) {
    HttpServletMapping mapping = request.getHttpServletMapping();
    boolean pathMapping = mapping != null && mapping.getMappingMatch() == MappingMatch.PATH;
    return request.getContextPath() + (pathMapping ? request.getServletPath() : "");
  }

  /** The request path below the mount point, still percent-encoded. */
  static String rawPath(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String prefix = prefix(request);
    return uri.startsWith(prefix) ? uri.substring(prefix.length()) : uri;
  }

  /**
   * Starts the asynchronous context (no timeout: {@link AsyncBody} enforces its own rate), so that
   * the request's end is observed when the context completes.
   */
  jakarta.servlet.AsyncContext startAsync() {
    jakarta.servlet.AsyncContext async = request.startAsync(request, response);
    async.setTimeout(0);
    if (observation != null) {
      observation.async();
      async.addListener(observation);
    }
    return async;
  }

  /** The repository named in the path. @throws RegistryException NAME_INVALID */
  RepositoryName repository() {
    if (repository == null) {
      String raw = match.raw("name");
      String name = PercentDecoding.decode(raw);
      if (raw.toLowerCase(Locale.ROOT).contains("%2f")) {
        // "/v2/a%2fb/..." is one segment "a/b", and a name component holds no slash. Taking it
        // for the repository a/b would let a proxy that matches paths by prefix be bypassed.
        throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name "
            + Strings.quote(name) + ": a percent-encoded slash (%2F) is not a separator");
      }
      repository = RepositoryName.parse(name);
    }
    return repository;
  }

  boolean hasRepository() {
    return match.raw("name") != null;
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
    return length < 0 && te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
  }

  /**
   * Reads the body without holding a thread while it waits ({@link AsyncBody}), then runs
   * {@code then} to answer. A body that breaks off or arrives too slowly is answered here, after
   * {@code broken} has been told.
   *
   * @param sink receives the bytes as they arrive
   * @param slow the error for a body cut off for arriving too slowly
   * @param incomplete the error code for a body that broke off
   */
  void receive(AsyncBody.Sink sink, ErrorCode slow, ErrorCode incomplete, Runnable broken,
      Step then) {
    AsyncBody.start(this, sink, slow, incomplete, broken, then);
  }

  /** An answer that continues after the body arrived. */
  interface Step {
    void run() throws IOException;
  }

  /** Runs a step of an asynchronous exchange, answering its failure as any other. */
  void run(Step step) {
    try {
      step.run();
    } catch (Throwable t) {
      fail(t);
    }
  }

  void fail(Throwable t) {
    failures.answer(this, t);
  }

  /**
   * An absolute URL for a registry path, unless relative URLs are configured: on the configured
   * external URL, else on the origin the request reached.
   */
  String url(String path) {
    String full = prefix + path;
    if (options.relativeUrls()) {
      return full;
    }
    String external = options.externalBase();
    return (external != null ? external : Origin.of(request, options.trustedProxies()).base())
        + full;
  }

  /** A {@code Link: <...>; rel="next"} header (relative, as registry:2 sends it). */
  void linkNext(String pathAndQuery) {
    response.setHeader("Link", "<" + prefix + pathAndQuery + ">; rel=\"next\"");
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
        bytesOut += body.length;
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
