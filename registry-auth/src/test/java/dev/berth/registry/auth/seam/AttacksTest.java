package dev.berth.registry.auth.seam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.auth.basic.BasicCredentials;
import dev.berth.registry.auth.testing.AuthTestServer;
import dev.berth.registry.auth.testing.Jwts;
import dev.berth.registry.auth.testing.LogCapture;
import dev.berth.registry.auth.testing.Roles;
import dev.berth.registry.auth.testing.StorageSnapshot;
import dev.berth.registry.auth.token.TokenAuthConfig;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's attacks, over HTTP against a registry verifying tokens of an external token server
 * (keys in a JWKS file, the tokens' grants alone deciding) and against one with htpasswd: every
 * forged, stale or misdirected token is {@code invalid_token}, a token reaches exactly the
 * repositories it names, path tricks reach nothing, long or odd credentials are refused cleanly,
 * and no credential shows up in a log line or an answer.
 */
class AttacksTest {

  static final String SERVICE = "registry.test";
  static final String ISSUER = "test-issuer";
  static final String REALM = "https://auth.example/token";

  @TempDir
  static Path dir;
  static final TestClock CLOCK = TestClock.atSystemTime();
  static KeyPair key;
  static KeyPair stranger;
  static AuthSetup tokens;
  static AuthSetup basic;
  static AuthTestServer server;
  static RegistryClient http;
  static LogCapture logs;
  static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
  static final List<Response> ANSWERS = java.util.Collections.synchronizedList(new ArrayList<>());

  Registry registry;

  @BeforeAll
  static void start() throws Exception {
    logs = LogCapture.start();
    key = ec();
    stranger = ec();
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, new JWKSet(new ECKey.Builder(Curve.P_256,
        (ECPublicKey) key.getPublic()).keyID("good-key").build()).toString());
    tokens = AuthSetup.build(AuthConfig.token(TokenAuthConfig.builder().realm(REALM)
        .service(SERVICE).issuer(ISSUER).jwks(jwks).build()), CLOCK);
    basic = AuthSetup.build(AuthConfig.htpasswd("Berth test", Roles.writeHtpasswd(dir))
        .withPolicy(Roles.writePolicy(dir, Roles.POLICY)), CLOCK);
    server = AuthTestServer.start();
    http = new RegistryClient(server.url());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    logs.close();
    Leaks.assertNone(logs.lines(), ANSWERS, List.of(), SECRETS.toArray(String[]::new));
  }

  @BeforeEach
  void seed() {
    registry = Registry.builder().inMemory().clock(CLOCK).build();
    server.serve(registry, AccessController.ALLOW_ALL);
    http.pushSmallImage("allowed/app", "v1", "allowed");
    http.pushSmallImage("denied/app", "v1", "denied");
    http.pushSmallImage("a/b", "v1", "ab");
    http.pushSmallImage("a/b/c", "v1", "abc");
    server.serve(registry, tokens.accessController());
  }

  @AfterEach
  void close() {
    registry.close();
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** Claims granting pull,push on {@code repository}, valid now. */
  static JWTClaimsSet.Builder claims(String repository) {
    return Jwts.claims(ISSUER, SERVICE, CLOCK.instant()).claim("access",
        List.of(Jwts.access("repository", repository, "pull", "push")));
  }

  static String sign(JWTClaimsSet claims, KeyPair with, String kid) {
    String token = Jwts.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(), claims,
        signer(with));
    SECRETS.add(token.substring(token.lastIndexOf('.') + 1));
    return token;
  }

  static ECDSASigner signer(KeyPair pair) {
    try {
      return new ECDSASigner((ECPrivateKey) pair.getPrivate());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  Response get(String path, String token) {
    Response r = http.get(path, "Authorization", "Bearer " + token);
    ANSWERS.add(r);
    return r;
  }

  static void assertInvalidToken(Response r, String scope) {
    assertEquals(401, r.status(), r::toString);
    assertEquals("Bearer realm=\"" + REALM + "\",service=\"" + SERVICE + "\",scope=\"" + scope
        + "\",error=\"invalid_token\"", r.header("WWW-Authenticate"));
    assertEquals(List.of("UNAUTHORIZED"), r.errorCodes());
  }

  @Test
  void aGoodTokenWorks() {
    Response r = get("/v2/allowed/app/manifests/v1", sign(claims("allowed/app").build(), key,
        "good-key"));
    assertEquals(200, r.status(), r::toString);
  }

  @Test
  void expiredTokensAreRefusedAfterTheLeeway() {
    Instant now = CLOCK.instant();
    String justExpired = sign(claims("allowed/app").expirationTime(Date.from(now.minusSeconds(30)))
        .build(), key, "good-key");
    String expired = sign(claims("allowed/app").expirationTime(Date.from(now.minusSeconds(61)))
        .build(), key, "good-key");

    assertEquals(200, get("/v2/allowed/app/manifests/v1", justExpired).status(),
        "within distribution's 60 s of leeway");
    assertInvalidToken(get("/v2/allowed/app/manifests/v1", expired),
        "repository:allowed/app:pull");
  }

  @Test
  void notYetValidTokensAreRefused() {
    String early = sign(claims("allowed/app").notBeforeTime(Date.from(CLOCK.instant()
        .plusSeconds(120))).build(), key, "good-key");

    assertInvalidToken(get("/v2/allowed/app/manifests/v1", early), "repository:allowed/app:pull");
  }

  @Test
  void tokensForAnotherServiceOrIssuerAreRefused() {
    String otherAudience = sign(claims("allowed/app").audience("another.registry").build(), key,
        "good-key");
    String otherIssuer = sign(claims("allowed/app").issuer("someone-else").build(), key,
        "good-key");

    assertInvalidToken(get("/v2/allowed/app/tags/list", otherAudience),
        "repository:allowed/app:pull");
    assertInvalidToken(get("/v2/allowed/app/tags/list", otherIssuer),
        "repository:allowed/app:pull");
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String good = sign(claims("allowed/app").build(), key, "good-key");
    String[] parts = good.split("\\.");
    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
        .replace("allowed/app", "denied/app");
    String tampered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];

    assertInvalidToken(get("/v2/denied/app/manifests/v1", tampered),
        "repository:denied/app:pull");
  }

  @Test
  void unsignedAndSymmetricForgeriesAreRefused() throws Exception {
    JWTClaimsSet claims = claims("allowed/app").build();
    String none = Jwts.unsecured(claims);
    byte[] publicKey = key.getPublic().getEncoded();
    byte[] jwkText = new ECKey.Builder(Curve.P_256, (ECPublicKey) key.getPublic()).build()
        .toJSONString().getBytes(StandardCharsets.UTF_8);
    String hsDer = Jwts.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("good-key").build(),
        claims, new MACSigner(publicKey));
    String hsJwk = Jwts.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("good-key").build(),
        claims, new MACSigner(jwkText));

    for (String forged : List.of(none, hsDer, hsJwk)) {
      assertInvalidToken(get("/v2/allowed/app/manifests/v1", forged),
          "repository:allowed/app:pull");
    }
  }

  @Test
  void aKeyTheRegistryDoesNotTrustIsRefusedWhateverItsKid() {
    assertInvalidToken(get("/v2/allowed/app/manifests/v1", sign(claims("allowed/app").build(),
        stranger, "unknown-kid")), "repository:allowed/app:pull");
    assertInvalidToken(get("/v2/allowed/app/manifests/v1", sign(claims("allowed/app").build(),
        stranger, "good-key")), "repository:allowed/app:pull");
  }

  /** Grants name repositories exactly: not their children, not another spelling. */
  @Test
  void aTokenForABReachesNeitherABCNorUppercase() {
    String ab = sign(claims("a/b").build(), key, "good-key");
    StorageSnapshot before = StorageSnapshot.of(registry.storage());

    assertEquals(200, get("/v2/a/b/manifests/v1", ab).status());
    Response child = get("/v2/a/b/c/manifests/v1", ab);
    Response upper = get("/v2/A/B/manifests/v1", ab);
    Response push = http.put("/v2/a/b/c/manifests/v2", RegistryClient.smallManifest(
        Digest.EMPTY_JSON, 2, "x", null, null), "Content-Type", MediaTypes.OCI_MANIFEST,
        "Authorization", "Bearer " + ab);

    assertEquals(401, child.status(), child::toString);
    assertTrue(child.header("WWW-Authenticate").endsWith(
        "scope=\"repository:a/b/c:pull\",error=\"insufficient_scope\""), child::toString);
    assertEquals(400, upper.status(), upper::toString);
    assertEquals(List.of("NAME_INVALID"), upper.errorCodes());
    assertEquals(401, push.status(), push::toString);
    assertEquals(before, StorageSnapshot.of(registry.storage()));
  }

  /**
   * Dot segments and encoded slashes never let a grant on one repository reach another: the
   * name the registry authorizes is the name it serves.
   */
  @Test
  void pathTricksReachNothing() {
    String allowed = sign(claims("allowed/app").build(), key, "good-key");
    byte[] manifest = RegistryClient.smallManifest(Digest.EMPTY_JSON, 2, "trick", null, null);
    StorageSnapshot before = StorageSnapshot.of(registry.storage());
    List<String> tricks = List.of("/v2/allowed/app/../../denied/app/manifests/v1",
        "/v2/allowed/app/%2e%2e/%2e%2e/denied/app/manifests/v1",
        "/v2/allowed/app%2F..%2F..%2Fdenied%2Fapp/manifests/v1",
        "/v2/allowed/app%2f%2e%2e%2f%2e%2e%2fdenied%2fapp/manifests/v1",
        "/v2/allowed%2Fapp/../denied/app/manifests/v1",
        "/v2/allowed/app/..%2F..%2Fdenied/app/manifests/v1",
        "/v2/allowed/app/manifests/..%2F..%2F..%2Fdenied%2Fapp%2Fmanifests%2Fv1");
    String deniedDigest = get("/v2/denied/app/manifests/v1", sign(claims("denied/app").build(),
        key, "good-key")).header("Docker-Content-Digest");

    for (String trick : tricks) {
      Response read = get(trick, allowed);
      Response write = http.put(trick.replace("/v1", "/v9"), manifest, "Content-Type",
          MediaTypes.OCI_MANIFEST, "Authorization", "Bearer " + allowed);
      ANSWERS.add(write);
      assertFalse(read.status() >= 200 && read.status() < 300, trick + " -> " + read);
      assertNotEquals(deniedDigest, read.header("Docker-Content-Digest"), trick);
      assertFalse(write.status() >= 200 && write.status() < 300, trick + " -> " + write);
      assertTrue(Set.of(400, 401, 404).contains(read.status()), trick + " -> " + read);
    }
    assertEquals(before, StorageSnapshot.of(registry.storage()), "nothing stored");
  }

  @Test
  void overlongTokensAndHeadersAreRefusedCleanly() {
    String huge = "e" + "A".repeat(17_000) + ".e30.sig";
    String longest = "e" + "A".repeat(6_000) + ".e30.sig";

    Response r = get("/v2/allowed/app/manifests/v1", longest);
    Response h = get("/v2/allowed/app/manifests/v1", huge);

    assertInvalidToken(r, "repository:allowed/app:pull");
    assertTrue(Set.of(401, 431).contains(h.status()), h::toString);
  }

  @Test
  void basicCredentialsToATokenRegistryAreAChallengeNotAnError() {
    Response r = http.get("/v2/allowed/app/manifests/v1", "Authorization",
        BasicCredentials.of("rita", "rita:reads").toHeader());
    ANSWERS.add(r);

    assertEquals(401, r.status());
    assertEquals("Bearer realm=\"" + REALM + "\",service=\"" + SERVICE
        + "\",scope=\"repository:allowed/app:pull\"", r.header("WWW-Authenticate"));
  }

  /** htpasswd: the user name ends at the first colon; long and odd headers never run bcrypt. */
  @Test
  void basicCredentialsEdgeCases() {
    server.serve(registry, basic.accessController());
    String colon = BasicCredentials.of("rita", "rita:reads").toHeader();
    String prefixOnly = BasicCredentials.of("rita", "rita").toHeader();
    String split = "Basic " + java.util.Base64.getEncoder().encodeToString(
        "rita:rita:reads".getBytes(StandardCharsets.UTF_8));
    String longPassword = BasicCredentials.of("rita", "p".repeat(5_000)).toHeader();
    String bearer = "Bearer " + sign(claims("public/lib").build(), key, "good-key");
    http.get("/v2/"); // warm

    Map<String, Integer> expected = new java.util.LinkedHashMap<>();
    expected.put(colon, 200);
    expected.put(split, 200);
    expected.put(prefixOnly, 401);
    expected.put(longPassword, 401);
    expected.put("Basic !!!not-base64!!!", 401);
    expected.put("Basic " + java.util.Base64.getEncoder().encodeToString(
        "no-colon".getBytes(StandardCharsets.UTF_8)), 401);
    expected.put(bearer, 401);
    expected.forEach((header, status) -> {
      SECRETS.add(header.substring(header.indexOf(' ') + 1));
      Response r = http.get("/v2/team/app/tags/list", "Authorization", header);
      ANSWERS.add(r);
      if (status == 200) {
        assertEquals(404, r.status(), "authenticated, and team/app has no tags here: " + r);
      } else {
        assertEquals(401, r.status(), r::toString);
        assertEquals("Basic realm=\"Berth test\"", r.header("WWW-Authenticate"));
      }
    });
    Response huge = http.get("/v2/", "Authorization", "Basic " + "Q".repeat(100_000));
    assertTrue(Set.of(401, 431).contains(huge.status()), huge::toString);
    SECRETS.add("rita:reads");
  }
}
