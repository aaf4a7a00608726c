package dev.berth.registry.auth.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Challenges;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.auth.basic.BasicCredentials;
import dev.berth.registry.auth.basic.HtpasswdStore;
import dev.berth.registry.auth.token.TokenIssuer;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of the built-in token server, after distribution's token specification
 * ({@code docs/spec/auth/token.md}, {@code oauth.md}) and its {@code contrib/token-server}:
 *
 * <ul>
 *   <li>{@code GET ?service=&scope=&scope=&account=&offline_token=&client_id=} with optional
 *       Basic credentials (what Docker sends);
 *   <li>{@code POST} form {@code grant_type=password} ({@code username}, {@code password}) or
 *       {@code grant_type=refresh_token} ({@code refresh_token}), with {@code service},
 *       {@code scope} (space-separated), {@code client_id}, {@code access_type=offline} (what
 *       containerd and podman try first);
 *   <li>the answer: {@code token} and {@code access_token} (the same JWT), {@code expires_in},
 *       {@code issued_at} (RFC 3339), {@code refresh_token} when asked for, and on POST
 *       {@code scope}, the granted scopes;
 *   <li>granted = requested scopes intersected with the policy; a partial grant is not an error;
 *   <li>no credentials: an anonymous token when the policy lets anonymous callers read
 *       something, else 401 with {@code Basic realm="..."}; wrong credentials: 401;
 *   <li>errors in distribution's envelope with its token-server codes
 *       ({@code UNAUTHORIZED}, {@code MISSING_REQUIRED_FIELD}, {@code UNSUPPORTED_VALUE},
 *       {@code BAD_TOKEN_OPTION}).
 * </ul>
 *
 * <p>bcrypt runs here once per token, never per registry request: the registry verifies the
 * token's signature.
 */
final class TokenEndpoint {

  /** More scopes than any client asks for in one token. */
  static final int MAX_SCOPES = 64;

  private final HtpasswdStore users;
  private final Authorizer policy;
  private final TokenIssuer issuer;
  private final String service;
  private final String realm;

  TokenEndpoint(HtpasswdStore users, Authorizer policy, TokenIssuer issuer, String service,
      String realm) {
    this.users = users;
    this.policy = policy;
    this.issuer = issuer;
    this.service = service;
    this.realm = realm;
  }

  TokenReply get(Optional<String> authorization, Map<String, List<String>> query) {
    Optional<String> badService = checkService(first(query, "service"));
    if (badService.isPresent()) {
      return error(400, "UNSUPPORTED_VALUE", badService.get());
    }
    boolean offline;
    String offlineText = first(query, "offline_token").orElse("");
    switch (offlineText) {
      // Go's strconv.ParseBool, which distribution's token server uses.
      case "1", "t", "T", "TRUE", "true", "True" -> offline = true;
      case "", "0", "f", "F", "FALSE", "false", "False" -> offline = false;
      default -> {
        return error(400, "BAD_TOKEN_OPTION", "offline_token must be true or false");
      }
    }
    Identity who;
    if (authorization.isPresent()) {
      Optional<String> user = basicUser(authorization.get());
      if (user.isEmpty()) {
        return unauthorized("wrong user name or password");
      }
      who = Identity.user(user.get());
    } else {
      who = Identity.anonymous();
    }
    return grant(who, query.getOrDefault("scope", List.of()), offline, Optional.empty(), false);
  }

  TokenReply post(Map<String, List<String>> form) {
    String grantType = first(form, "grant_type").orElse("");
    if (grantType.isEmpty()) {
      return error(400, "MISSING_REQUIRED_FIELD", "missing grant_type value");
    }
    Optional<String> badService = checkService(first(form, "service"));
    if (badService.isPresent()) {
      return error(400, "UNSUPPORTED_VALUE", badService.get());
    }
    boolean offline;
    switch (first(form, "access_type").orElse("")) {
      case "", "online" -> offline = false;
      case "offline" -> offline = true;
      default -> {
        return error(400, "UNSUPPORTED_VALUE", "unknown access_type value");
      }
    }
    List<String> scopes = form.getOrDefault("scope", List.of());
    switch (grantType) {
      case "password" -> {
        String username = first(form, "username").orElse("");
        String password = first(form, "password").orElse("");
        if (username.isEmpty() || password.isEmpty()) {
          return error(400, "MISSING_REQUIRED_FIELD", "missing username or password value");
        }
        if (users.verify(username, password).isEmpty()) {
          return unauthorized("invalid credentials");
        }
        return grant(Identity.user(username), scopes, offline, Optional.empty(), true);
      }
      case "refresh_token" -> {
        String refresh = first(form, "refresh_token").orElse("");
        if (refresh.isEmpty()) {
          return error(400, "MISSING_REQUIRED_FIELD", "missing refresh_token value");
        }
        Optional<TokenIssuer.RefreshGrant> grant = issuer.redeem(refresh, service);
        if (grant.isEmpty() || !users.passwordVersion(grant.get().subject())
            .equals(Optional.of(grant.get().passwordVersion()))) {
          return unauthorized("invalid refresh token");
        }
        // oauth.md: a refresh_token grant returns the same refresh token, not a new one.
        return grant(Identity.user(grant.get().subject()), scopes, false,
            offline ? Optional.of(refresh) : Optional.empty(), true);
      }
      default -> {
        return error(400, "UNSUPPORTED_VALUE", "unknown grant_type value");
      }
    }
  }

  private TokenReply grant(Identity who, List<String> scopeValues, boolean offline,
      Optional<String> sameRefresh, boolean oauth) {
    // policy.allowsCatalog(anonymous) holds exactly when anonymous callers may read something.
    if (!who.authenticated() && !policy.allowsCatalog(Identity.anonymous())) {
      return unauthorized("authentication required");
    }
    List<Scope> requested = Scope.parseAll(scopeValues);
    if (requested.size() > MAX_SCOPES) {
      return error(400, "UNSUPPORTED_VALUE", "more than " + MAX_SCOPES + " scopes");
    }
    List<Scope> granted = policy.grant(who, requested);
    TokenIssuer.IssuedToken token = issuer.issue(who.name(), service, granted);
    JsonObject body = new JsonObject();
    body.addProperty("token", token.token());
    body.addProperty("access_token", token.token());
    body.addProperty("expires_in", token.expiresIn().toSeconds());
    body.addProperty("issued_at", DateTimeFormatter.ISO_INSTANT.format(token.issuedAt()));
    if (oauth) {
      body.addProperty("scope", Scope.join(granted));
    }
    Optional<String> refresh = sameRefresh;
    if (offline && who.authenticated()) {
      String user = who.name().get();
      refresh = users.passwordVersion(user).map(v -> issuer.refreshToken(user, service, v));
    }
    refresh.ifPresent(r -> body.addProperty("refresh_token", r));
    return new TokenReply(200, noStore(), body.toString());
  }

  private Optional<String> basicUser(String header) {
    try {
      Optional<BasicCredentials> c = BasicCredentials.parse(header);
      return c.flatMap(creds -> users.verify(creds.user(), creds.password()));
    } catch (BasicCredentials.MalformedException e) {
      return Optional.empty();
    }
  }

  /** A missing service means ours (Docker always sends it; curl users may not). */
  private Optional<String> checkService(Optional<String> given) {
    if (given.isEmpty() || given.get().isEmpty()) {
      return Optional.empty();
    }
    return given.get().equals(service) ? Optional.empty()
        : Optional.of("this token server issues tokens for service " + service + " only");
  }

  private TokenReply unauthorized(String message) {
    Map<String, String> headers = new LinkedHashMap<>(noStore());
    headers.put("WWW-Authenticate", Challenges.basic(realm));
    return new TokenReply(401, headers, envelope("UNAUTHORIZED", message));
  }

  private static TokenReply error(int status, String code, String message) {
    return new TokenReply(status, noStore(), envelope(code, message));
  }

  private static String envelope(String code, String message) {
    JsonObject error = new JsonObject();
    error.addProperty("code", code);
    error.addProperty("message", message);
    JsonArray errors = new JsonArray();
    errors.add(error);
    JsonObject body = new JsonObject();
    body.add("errors", errors);
    return body.toString();
  }

  /** RFC 6749 5.1: token responses must not be cached. */
  private static Map<String, String> noStore() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Cache-Control", "no-store");
    h.put("Pragma", "no-cache");
    return h;
  }

  private static Optional<String> first(Map<String, List<String>> params, String name) {
    List<String> values = params.getOrDefault(name, new ArrayList<>());
    return values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
  }
}
