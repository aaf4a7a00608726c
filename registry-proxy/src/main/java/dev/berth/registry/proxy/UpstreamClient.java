package dev.berth.registry.proxy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.berth.registry.upstream.UpstreamUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HttpsURLConnection;

/**
 * Requests to one upstream registry, authenticated the way its challenge asks: nothing until a
 * {@code 401}; then Basic with the configured credentials, or a bearer token fetched from the
 * challenge's {@code realm} for the request's scope (with the credentials as Basic, when there
 * are any: the distribution token flow) and kept until it expires. The last challenge is
 * remembered, so later requests authenticate at once. Redirects are followed by hand, without
 * the upstream's credentials (a blob answered with a 307 to a storage host must not carry them).
 */
final class UpstreamClient {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_REDIRECTS = 5;

  private record Token(String value, Instant expires) {}

  private final URI base;
  private final HttpClient http;
  private final String basic;
  private volatile Challenge challenge;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  UpstreamClient(URI base, HttpClient http, String username, String password) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.http = http;
    this.basic = username == null ? null : "Basic " + Base64.getEncoder().encodeToString(
        (username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  URI base() {
    return base;
  }

  /**
   * Sends a request for {@code path} (relative to the base, e.g. {@code v2/a/b/manifests/t}),
   * authenticating for {@code scope}, following redirects.
   *
   * @throws UpstreamUnavailableException when the upstream cannot be reached
   */
  <T> HttpResponse<T> send(String method, String path, String scope, String accept,
      HttpResponse.BodyHandler<T> body) {
    return follow(base.resolve(path), scope,
        (uri, auth) -> new Sent<>(exchange(method, uri, accept, auth, body))).response();
  }

  /**
   * A {@code GET} of {@code path} whose body is read on the caller's thread straight from the
   * socket into the caller's buffer ({@link HttpURLConnection}), authenticated and redirected as
   * {@link #send} does; for blob bodies. The JDK {@code HttpClient} hands a body over from its
   * selector thread in 16 KiB buffers, one at a time: a cold 4 MiB blob through the proxy spent
   * 20-30 ms more than through registry:2's in those hand-offs and in the 256 small writes to
   * storage and to the client that followed them (docs/design/proxy.md). A body that stalls for
   * {@link #REQUEST_TIMEOUT} fails its read (the HttpClient's body had no timeout).
   *
   * @throws UpstreamUnavailableException when the upstream cannot be reached
   */
  Streamed stream(String path, String scope) {
    return follow(base.resolve(path), scope, this::open);
  }

  /** What a request answered, for {@link #follow}: its status, a header, and dropping it. */
  private interface Answer {
    int status();

    Optional<String> header(String name);

    void discard();
  }

  private record Sent<T>(HttpResponse<T> response) implements Answer {
    @Override
    public int status() {
      return response.statusCode();
    }

    @Override
    public Optional<String> header(String name) {
      return response.headers().firstValue(name);
    }

    @Override
    public void discard() {
      UpstreamClient.discard(response);
    }
  }

  /** A {@link #stream} answer: the connection and its body, which the caller closes. */
  static final class Streamed implements Answer {
    private final HttpURLConnection connection;
    private final int status;

    private Streamed(HttpURLConnection connection, int status) {
      this.connection = connection;
      this.status = status;
    }

    @Override
    public int status() {
      return status;
    }

    @Override
    public Optional<String> header(String name) {
      return Optional.ofNullable(connection.getHeaderField(name));
    }

    /** The declared length, or -1. */
    long length() {
      return connection.getContentLengthLong();
    }

    /** The body (of an error status too; empty when there is none). */
    InputStream body() throws IOException {
      InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
      return in == null ? InputStream.nullInputStream() : in;
    }

    @Override
    public void discard() {
      try {
        body().close();
      } catch (IOException ignored) {
        // Abandoned anyway.
      }
    }
  }

  /** The exchange {@link #follow} repeats: a request to {@code uri} with {@code auth}. */
  private interface Exchange<A extends Answer> {
    A at(URI uri, String auth);
  }

  /**
   * One request with authentication and redirects: a {@code 401} whose challenge can be met is
   * sent again with credentials; redirects are followed without them.
   */
  private <A extends Answer> A follow(URI start, String scope, Exchange<A> exchange) {
    URI uri = start;
    A answer = exchange.at(uri, authorization(scope));
    if (answer.status() == 401) {
      Optional<Challenge> asked = Challenge.parse(answer.header("WWW-Authenticate").orElse(null));
      if (asked.isPresent() && (asked.get().isBasic() && basic != null
          || asked.get().isBearer())) {
        answer.discard();
        challenge = asked.get();
        tokens.remove(scope);
        answer = exchange.at(uri, authorization(scope));
      }
    }
    for (int hop = 0; hop < MAX_REDIRECTS && isRedirect(answer.status()); hop++) {
      Optional<String> location = answer.header("Location");
      if (location.isEmpty()) {
        break;
      }
      answer.discard();
      uri = uri.resolve(location.get());
      answer = exchange.at(uri, null);
    }
    return answer;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private Streamed open(URI uri, String auth) {
    try {
      // No proxy, as the HttpClient (built without a ProxySelector) uses none.
      HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
      if (c instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(http.sslContext().getSocketFactory());
      }
      c.setInstanceFollowRedirects(false);
      c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
      c.setReadTimeout((int) REQUEST_TIMEOUT.toMillis());
      if (auth != null) {
        c.setRequestProperty("Authorization", auth);
      }
      return new Streamed(c, c.getResponseCode());
    } catch (IOException e) {
      throw new UpstreamUnavailableException("GET " + uri + " failed: " + e, e);
    }
  }

  private <T> HttpResponse<T> exchange(String method, URI uri, String accept, String auth,
      HttpResponse.BodyHandler<T> body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (auth != null) {
      request.header("Authorization", auth);
    }
    try {
      return http.send(request.build(), body);
    } catch (IOException e) {
      throw new UpstreamUnavailableException(method + " " + uri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamUnavailableException(method + " " + uri + " was interrupted", e);
    }
  }

  /** The Authorization header for {@code scope} under the last challenge, or null for none. */
  private String authorization(String scope) {
    Challenge c = challenge;
    if (c == null) {
      return null;
    }
    if (c.isBasic()) {
      return basic;
    }
    if (!c.isBearer()) {
      return null;
    }
    Token token = tokens.get(scope);
    if (token == null || !Instant.now().isBefore(token.expires)) {
      token = fetchToken(c, scope);
      tokens.put(scope, token);
    }
    return "Bearer " + token.value;
  }

  /**
   * The distribution token flow: {@code GET <realm>?service=<service>&scope=<scope>}, answered
   * with {@code {"token": ..., "expires_in": seconds}} ({@code access_token} in the OAuth2
   * shape). A missing {@code expires_in} means 60 seconds (the spec's default).
   */
  private Token fetchToken(Challenge c, String scope) {
    String realm = c.parameter("realm");
    if (realm == null) {
      throw new UpstreamUnavailableException("the upstream " + base + " asks for a bearer token"
          + " but names no realm");
    }
    StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
    if (c.parameter("service") != null) {
      url.append("service=").append(encode(c.parameter("service"))).append('&');
    }
    url.append("scope=").append(encode(scope));
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString()))
        .timeout(REQUEST_TIMEOUT).GET();
    if (basic != null) {
      request.header("Authorization", basic);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UpstreamUnavailableException("token request to " + realm + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamUnavailableException("token request to " + realm + " interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new UpstreamUnavailableException("token request to " + realm + " for " + scope
          + " answered " + response.statusCode() + " (are the upstream credentials right?)");
    }
    try {
      JsonObject json = JsonParser.parseString(response.body()).getAsJsonObject();
      String value = json.has("token") ? json.get("token").getAsString()
          : json.get("access_token").getAsString();
      long seconds = json.has("expires_in") ? json.get("expires_in").getAsLong() : 60;
      return new Token(value, Instant.now().plusSeconds(Math.max(1, seconds - 5)));
    } catch (JsonParseException | IllegalStateException | NullPointerException
        | UnsupportedOperationException e) {
      throw new UpstreamUnavailableException("token response from " + realm + " has no token", e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static void discard(HttpResponse<?> response) {
    if (response.body() instanceof InputStream in) {
      try {
        in.close();
      } catch (IOException ignored) {
        // Abandoned anyway.
      }
    }
  }
}
