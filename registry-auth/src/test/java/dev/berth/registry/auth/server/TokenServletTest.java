package dev.berth.registry.auth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.auth.basic.BasicCredentials;
import dev.berth.registry.auth.basic.HtpasswdStore;
import dev.berth.registry.auth.policy.AccessPolicy;
import dev.berth.registry.auth.token.IssuerKey;
import dev.berth.registry.auth.token.TokenAuthConfig;
import dev.berth.registry.auth.token.TokenIssuer;
import dev.berth.registry.auth.token.TokenVerifier;
import dev.berth.registry.auth.token.VerifiedToken;
import dev.berth.registry.testing.TestClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

/** The token server over real HTTP: Jetty 12 on a loopback port, java.net.http as the client. */
class TokenServletTest {

  static final String SERVICE = "registry.test";
  static final String ALICE_PASSWORD = "al:ice pw";

  @TempDir
  Path dir;

  final TestClock clock = TestClock.atSystemTime();
  final HttpClient http = HttpClient.newHttpClient();
  Server server;
  URI base;
  Path htpasswd;
  TokenVerifier verifier;

  static String hash(String password) {
    return BCrypt.hashpw(password, BCrypt.gensalt("$2y", 4));
  }

  @BeforeEach
  void start() throws Exception {
    htpasswd = dir.resolve("htpasswd");
    Files.writeString(htpasswd, "alice:" + hash(ALICE_PASSWORD) + "\nbob:" + hash("bob") + "\n");
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        repositories:
          "**": {defaultPolicy: [read]}
          "alice/**": {policies: [{users: [alice], actions: [read, create, update, delete]}]}
          "public/**": {anonymousPolicy: [read]}
        """);
    HtpasswdStore users = HtpasswdStore.open(htpasswd, clock);
    IssuerKey key = IssuerKey.loadOrCreate(dir.resolve("issuer-key.pem"));
    TokenIssuer issuer = TokenIssuer.of(key, "berth-token-server", Duration.ofMinutes(5),
        Duration.ofDays(30), clock);
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    Authorizer watched = AccessPolicy.watch(policy, clock);
    context.addServlet(new ServletHolder(new TokenServlet(users, watched, issuer, SERVICE,
        "Berth")), "/auth/token");
    context.addServlet(new ServletHolder(new TokenServlet(users,
        AccessPolicy.authenticatedFullAccess(), issuer, SERVICE, "Berth")), "/private/token");
    server.setHandler(context);
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    // One configuration for both sides: the registry verifies with the issuer's JWKS.
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, key.publicJwks());
    verifier = TokenVerifier.create(TokenAuthConfig.builder().realm(base + "/auth/token")
        .service(SERVICE).issuer("berth-token-server").jwks(jwks).build(), clock);
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  HttpResponse<String> get(String pathAndQuery, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).GET();
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String form) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/auth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static JsonObject json(HttpResponse<String> r) {
    return JsonParser.parseString(r.body()).getAsJsonObject();
  }

  static String alice() {
    return BasicCredentials.of("alice", ALICE_PASSWORD).toHeader();
  }

  @Test
  void dockersGetGrantsTheIntersectionOfRequestAndPolicyWithARefreshToken() throws Exception {
    HttpResponse<String> r = get("/auth/token?account=alice&client_id=docker&offline_token=true"
        + "&service=" + SERVICE + "&scope=" + enc("repository:alice/app:pull,push")
        + "&scope=" + enc("repository:bob/x:push") + "&scope=" + enc("repository:public/p:pull")
        + "&scope=" + enc("registry:catalog:*"), alice());
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("application/json;charset=utf-8",
        r.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase());
    assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
    JsonObject body = json(r);
    assertEquals(body.get("token").getAsString(), body.get("access_token").getAsString());
    assertEquals(300, body.get("expires_in").getAsLong());
    Instant issued = Instant.parse(body.get("issued_at").getAsString());
    assertEquals(clock.instant().getEpochSecond(), issued.getEpochSecond());
    assertTrue(body.has("refresh_token"));
    VerifiedToken t = verifier.verify(body.get("token").getAsString());
    assertEquals(Optional.of("alice"), t.subject());
    assertEquals(List.of(Scope.repository("alice/app", "pull", "push"),
        Scope.repository("public/p", "pull"), Scope.catalog()), t.access());
  }

  @Test
  void anonymousCallersGetAnAnonymousTokenForWhatThePolicyLetsThemRead() throws Exception {
    HttpResponse<String> r = get("/auth/token?service=" + SERVICE + "&offline_token=1&scope="
        + enc("repository:public/p:pull,push") + "&scope=" + enc("repository:alice/app:pull"),
        null);
    assertEquals(200, r.statusCode(), r.body());
    assertFalse(json(r).has("refresh_token"), "nothing to refresh for nobody");
    VerifiedToken t = verifier.verify(json(r).get("token").getAsString());
    assertEquals(Optional.empty(), t.subject());
    assertEquals(List.of(Scope.repository("public/p", "pull")), t.access());
  }

  @Test
  void withoutAnonymousAccessNoCredentialsMeansABasicChallenge() throws Exception {
    HttpResponse<String> r = get("/private/token?service=" + SERVICE, null);
    assertEquals(401, r.statusCode());
    assertEquals("Basic realm=\"Berth\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
    HttpResponse<String> ok = get("/private/token?service=" + SERVICE + "&scope="
        + enc("repository:any/thing:pull,push,delete"), BasicCredentials.of("bob", "bob")
        .toHeader());
    assertEquals(List.of(Scope.repository("any/thing", "pull", "push", "delete")),
        verifier.verify(json(ok).get("token").getAsString()).access());
  }

  @Test
  void wrongOrMalformedCredentialsAre401WithoutEchoingThem() throws Exception {
    for (String header : List.of(BasicCredentials.of("alice", "secretguess").toHeader(),
        BasicCredentials.of("nobody", "secretguess").toHeader(), "Basic !!!", "Bearer x.y.z")) {
      HttpResponse<String> r = get("/auth/token?service=" + SERVICE, header);
      assertEquals(401, r.statusCode(), header);
      assertEquals("Basic realm=\"Berth\"", r.headers().firstValue("WWW-Authenticate")
          .orElse(""));
      assertEquals("UNAUTHORIZED", json(r).getAsJsonArray("errors").get(0).getAsJsonObject()
          .get("code").getAsString());
      assertFalse(r.body().contains("secretguess") || r.body().contains("nobody"), r.body());
    }
  }

  /**
   * The token endpoint authenticates with the htpasswd users' Basic credentials only, as
   * distribution's token server does (its htpasswd controller reads {@code BasicAuth()} and
   * answers anything else with a Basic challenge). A token it issued is no credential here: a
   * pull token must not be traded for push without the password. ORAS Java SDK 0.7.0 sends its
   * cached Bearer token on a token refresh (oras-java#846) and fails on this 401.
   */
  @Test
  void anIssuedTokenIsNoCredentialForANewToken() throws Exception {
    HttpResponse<String> pull = get("/auth/token?service=" + SERVICE + "&scope="
        + enc("repository:alice/app:pull"), alice());
    assertEquals(200, pull.statusCode(), pull.body());
    String token = json(pull).get("token").getAsString();
    // Unencoded, as the SDK writes the query.
    HttpResponse<String> r = get("/auth/token?scope=repository:alice/app:pull,push&service="
        + SERVICE, "Bearer " + token);
    assertEquals(401, r.statusCode(), r.body());
    assertEquals("Basic realm=\"Berth\"", r.headers().firstValue("WWW-Authenticate")
        .orElse(""));
    assertFalse(r.body().contains(token), "the token is not echoed");
    assertFalse(json(r).has("token"));
  }

  @Test
  void badGetOptionsAre400() throws Exception {
    HttpResponse<String> r = get("/auth/token?service=" + SERVICE + "&offline_token=maybe",
        alice());
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("BAD_TOKEN_OPTION"), r.body());
    HttpResponse<String> other = get("/auth/token?service=other.registry", alice());
    assertEquals(400, other.statusCode());
    assertTrue(other.body().contains("UNSUPPORTED_VALUE"), other.body());
  }

  @Test
  void oauth2PasswordGrantThenRefreshGrant() throws Exception {
    HttpResponse<String> r = post("grant_type=password&username=alice&password="
        + enc(ALICE_PASSWORD) + "&service=" + SERVICE + "&client_id=containerd"
        + "&access_type=offline&scope="
        + enc("repository:alice/app:pull repository:alice/app:push"));
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = json(r);
    assertEquals("repository:alice/app:pull,push", body.get("scope").getAsString());
    String refresh = body.get("refresh_token").getAsString();
    assertEquals(Optional.of("alice"), verifier.verify(body.get("access_token").getAsString())
        .subject());

    HttpResponse<String> again = post("grant_type=refresh_token&refresh_token=" + refresh
        + "&service=" + SERVICE + "&client_id=podman&scope=" + enc("repository:alice/b:pull"));
    assertEquals(200, again.statusCode(), again.body());
    assertFalse(json(again).has("refresh_token"));
    assertEquals(List.of(Scope.repository("alice/b", "pull")),
        verifier.verify(json(again).get("access_token").getAsString()).access());
    HttpResponse<String> offline = post("grant_type=refresh_token&refresh_token=" + refresh
        + "&service=" + SERVICE + "&access_type=offline");
    assertEquals(refresh, json(offline).get("refresh_token").getAsString(),
        "oauth.md: the same refresh token, not a new one");

    // A password change revokes the refresh token.
    Files.writeString(htpasswd, "alice:" + hash("new password") + "\n");
    clock.advance(Duration.ofSeconds(2));
    HttpResponse<String> revoked = post("grant_type=refresh_token&refresh_token=" + refresh
        + "&service=" + SERVICE);
    assertEquals(401, revoked.statusCode(), revoked.body());
  }

  @Test
  void badPostsAreRefusedWithDistributionsTokenServerCodes() throws Exception {
    record Case(String form, int status, String code) {}
    for (Case c : List.of(
        new Case("service=" + SERVICE, 400, "MISSING_REQUIRED_FIELD"),
        new Case("grant_type=authorization_code&service=" + SERVICE, 400, "UNSUPPORTED_VALUE"),
        new Case("grant_type=password&username=alice&service=" + SERVICE, 400,
            "MISSING_REQUIRED_FIELD"),
        new Case("grant_type=password&username=alice&password=nope&service=" + SERVICE, 401,
            "UNAUTHORIZED"),
        new Case("grant_type=refresh_token&refresh_token=forged&service=" + SERVICE, 401,
            "UNAUTHORIZED"),
        new Case("grant_type=password&username=alice&password=x&access_type=forever", 400,
            "UNSUPPORTED_VALUE"),
        new Case("grant_type=password&username=alice&password=x&service=elsewhere", 400,
            "UNSUPPORTED_VALUE"))) {
      HttpResponse<String> r = post(c.form());
      assertEquals(c.status(), r.statusCode(), c.form() + " -> " + r.body());
      assertTrue(r.body().contains("\"" + c.code() + "\""), c.form() + " -> " + r.body());
    }
    HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create(base + "/auth/token"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(415, json.statusCode());
    HttpResponse<String> big = post("grant_type=password&junk=" + "x".repeat(70_000));
    assertEquals(413, big.statusCode());
  }

  @Test
  void aBrokenHtpasswdFileFailsClosedWith500() throws Exception {
    Files.writeString(htpasswd, "alice:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n");
    clock.advance(Duration.ofSeconds(2));
    HttpResponse<String> r = get("/auth/token?service=" + SERVICE, alice());
    assertEquals(500, r.statusCode(), r.body());
    assertFalse(r.body().contains("SHA"), r.body());
  }
}
