package dev.berth.registry.proxy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.berth.registry.upstream.UpstreamUnavailableException;
import java.io.IOException;
import java.io.InputStream;
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
    URI uri = base.resolve(path);
    HttpResponse<T> response = exchange(method, uri, accept, authorization(scope), body);
    if (response.statusCode() == 401) {
      Optional<Challenge> asked = Challenge.parse(
          response.headers().firstValue("WWW-Authenticate").orElse(null));
      if (asked.isPresent() && (asked.get().isBasic() && basic != null
          || asked.get().isBearer())) {
        discard(response);
        challenge = asked.get();
        tokens.remove(scope);
        response = exchange(method, uri, accept, authorization(scope), body);
      }
    }
    for (int hop = 0; hop < MAX_REDIRECTS && isRedirect(response.statusCode()); hop++) {
      Optional<String> location = response.headers().firstValue("Location");
      if (location.isEmpty()) {
        break;
      }
      discard(response);
      uri = uri.resolve(location.get());
      response = exchange(method, uri, accept, null, body);
    }
    return response;
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
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
