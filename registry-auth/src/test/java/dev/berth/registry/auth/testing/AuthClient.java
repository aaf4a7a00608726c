package dev.berth.registry.auth.testing;

import com.google.gson.JsonParser;
import dev.berth.registry.auth.basic.BasicCredentials;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client that logs in as Docker does. Basic: credentials on every request. Token: the request
 * without a token, then on a Bearer challenge a token from its realm for exactly its scopes
 * (Basic credentials for a user, none when anonymous), then the request again with the token.
 * Remembers every answer and every token, so that a test can check that no secret leaked.
 */
public final class AuthClient {

  /** What one exchange saw: the first answer (the challenge, in token mode) and the last. */
  public record Outcome(Response first, Response last, String token) {
    public int status() {
      return last.status();
    }
  }

  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final RegistryClient http;
  private final Roles role;
  private final boolean token;
  /** Every token fetched and every registry answer (token answers aside), for leak checks. */
  public static final Set<String> TOKENS = ConcurrentHashMap.newKeySet();
  public static final List<Response> ANSWERS = java.util.Collections.synchronizedList(
      new ArrayList<>());

  public AuthClient(RegistryClient http, Roles role, boolean token) {
    this.http = http;
    this.role = role;
    this.token = token;
  }

  public Outcome send(String method, String path, byte[] body, String... headers) {
    if (!token) {
      Response r = http.send(method, path, body, withAuth(headers, basic()));
      ANSWERS.add(r);
      return new Outcome(r, r, null);
    }
    Response first = http.send(method, path, body, headers);
    ANSWERS.add(first);
    String challenge = first.header("WWW-Authenticate");
    if (first.status() != 401 || challenge == null || !challenge.startsWith("Bearer ")) {
      return new Outcome(first, first, null);
    }
    Map<String, String> params = params(challenge);
    StringBuilder url = new StringBuilder(params.get("realm")).append("?service=")
        .append(enc(params.get("service")));
    if (params.containsKey("scope")) {
      for (String scope : params.get("scope").split(" ")) {
        url.append("&scope=").append(enc(scope));
      }
    }
    Response tokenAnswer = http.send("GET", url.toString(), null, withAuth(new String[0],
        basic()));
    if (tokenAnswer.status() != 200) {
      return new Outcome(first, tokenAnswer, null);
    }
    String jwt = JsonParser.parseString(tokenAnswer.text()).getAsJsonObject().get("token")
        .getAsString();
    TOKENS.add(jwt);
    Response last = http.send(method, path, body, withAuth(headers, "Bearer " + jwt));
    ANSWERS.add(last);
    return new Outcome(first, last, jwt);
  }

  private String basic() {
    return role.anonymous() ? null : BasicCredentials.of(role.user, role.password).toHeader();
  }

  private static String[] withAuth(String[] headers, String authorization) {
    if (authorization == null) {
      return headers;
    }
    String[] out = java.util.Arrays.copyOf(headers, headers.length + 2);
    out[headers.length] = "Authorization";
    out[headers.length + 1] = authorization;
    return out;
  }

  /** A challenge's parameters: {@code realm}, {@code service}, {@code scope}, {@code error}. */
  public static Map<String, String> params(String challenge) {
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1), m.group(2).replaceAll("\\\\(.)", "$1"));
    }
    return params;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
