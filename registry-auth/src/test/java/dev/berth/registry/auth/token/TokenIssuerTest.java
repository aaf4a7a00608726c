package dev.berth.registry.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.auth.testing.Programs;
import dev.berth.registry.auth.testing.TestPki;
import dev.berth.registry.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenIssuerTest {

  @TempDir
  Path dir;

  final TestClock clock = TestClock.atSystemTime();

  TokenIssuer issuer(IssuerKey key) {
    return TokenIssuer.of(key, "berth", Duration.ofMinutes(5), Duration.ofDays(1), clock);
  }

  TokenVerifier verifierWithJwks(IssuerKey key) throws Exception {
    Path jwks = dir.resolve("issuer-jwks.json");
    Files.writeString(jwks, key.publicJwks());
    return TokenVerifier.create(TokenAuthConfig.builder().realm("https://r/auth/token")
        .service("registry.test").issuer("berth").jwks(jwks).build(), clock);
  }

  static JsonObject part(String jwt, int index) {
    return JsonParser.parseString(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]),
        StandardCharsets.UTF_8)).getAsJsonObject();
  }

  @Test
  void aGeneratedKeyIsWrittenOwnerOnlyAndReusedOnTheNextStart() throws Exception {
    Path file = dir.resolve("sub/issuer-key.pem");
    IssuerKey first = IssuerKey.loadOrCreate(file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String pem = Files.readString(file);
    assertTrue(pem.contains("-----BEGIN PRIVATE KEY-----") && pem.contains("PUBLIC KEY"), pem);
    IssuerKey second = IssuerKey.loadOrCreate(file);
    assertEquals(first.kid(), second.kid());
    assertEquals(Files.readString(file), pem, "the file was reused, not rewritten");
    try (var listing = Files.list(file.getParent())) {
      assertEquals(1, listing.count(), "no temporary file left behind");
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    AuthConfigException e = assertThrows(AuthConfigException.class,
        () -> IssuerKey.loadOrCreate(file));
    assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
  }

  @Test
  void tokensCarryDistributionsClaimsAndVerifyWithTheIssuersJwks() throws Exception {
    IssuerKey key = IssuerKey.generate();
    TokenIssuer.IssuedToken t = issuer(key).issue(Optional.of("alice"), "registry.test",
        List.of(Scope.repository("a/b", "pull", "push"), Scope.catalog()));
    JsonObject header = part(t.token(), 0);
    assertEquals("ES256", header.get("alg").getAsString());
    assertEquals("JWT", header.get("typ").getAsString());
    assertEquals(key.kid(), header.get("kid").getAsString());
    JsonObject claims = part(t.token(), 1);
    assertTrue(claims.get("aud").isJsonPrimitive(), "registry 2.x reads aud only as a string");
    assertEquals("registry.test", claims.get("aud").getAsString());
    assertEquals("berth", claims.get("iss").getAsString());
    assertEquals(300, claims.get("exp").getAsLong() - claims.get("iat").getAsLong());
    assertEquals("[{\"type\":\"repository\",\"name\":\"a/b\",\"actions\":[\"pull\",\"push\"]},"
        + "{\"type\":\"registry\",\"name\":\"catalog\",\"actions\":[\"*\"]}]",
        claims.get("access").toString());
    VerifiedToken v = verifierWithJwks(key).verify(t.token());
    assertEquals(Optional.of("alice"), v.subject());
    assertTrue(v.grants().allows("repository", "a/b", "push"));
    assertTrue(v.grants().allows("registry", "catalog", "*"));
    assertEquals(Duration.ofMinutes(5), t.expiresIn());
  }

  @Test
  void anonymousTokensHaveNoSubject() throws Exception {
    IssuerKey key = IssuerKey.generate();
    String t = issuer(key).issue(Optional.empty(), "registry.test", List.of()).token();
    assertFalse(part(t, 1).has("sub"));
    assertEquals(Optional.empty(), verifierWithJwks(key).verify(t).subject());
  }

  @Test
  void aKeyWithACertificateSignsWithX5cThatVerifiesAgainstTheRootBundle() throws Exception {
    TestPki pki = TestPki.get();
    Path keyFile = dir.resolve("signer.pem");
    Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pki.leafKey.getEncoded())
        + "\n-----END PRIVATE KEY-----\n" + TestPki.pem(pki.leaf, pki.intermediate));
    IssuerKey key = IssuerKey.load(keyFile);
    // The certificates start when keytool made them, possibly after this test's clock was set.
    TestClock now = TestClock.atSystemTime();
    String t = TokenIssuer.of(key, "berth", Duration.ofMinutes(5), Duration.ofDays(1), now)
        .issue(Optional.of("bob"), "registry.test",
        List.of(Scope.repository("x", "pull"))).token();
    assertEquals(2, SignedJWT.parse(t).getHeader().getX509CertChain().size());
    Path bundle = dir.resolve("root.pem");
    Files.writeString(bundle, TestPki.pem(pki.root));
    TokenVerifier byBundle = TokenVerifier.create(TokenAuthConfig.builder().realm("r")
        .service("registry.test").issuer("berth").rootCertBundle(bundle).build(), now);
    assertEquals(Optional.of("bob"), byBundle.verify(t).subject());
  }

  @Test
  void readsAKeyThatOpensslMade() throws Exception {
    Programs.require("openssl");
    Path pem = dir.resolve("openssl.pem");
    Programs.run(List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-out", pem.toString()));
    AuthConfigException noPublic = assertThrows(AuthConfigException.class,
        () -> IssuerKey.load(pem));
    assertTrue(noPublic.getMessage().contains("openssl pkey -in key.pem -pubout"),
        noPublic.getMessage());
    String pub = Programs.run(List.of("openssl", "pkey", "-in", pem.toString(), "-pubout"));
    Files.writeString(pem, pub, java.nio.file.StandardOpenOption.APPEND);
    IssuerKey key = IssuerKey.load(pem);
    String t = issuer(key).issue(Optional.of("c"), "registry.test", List.of()).token();
    assertEquals(Optional.of("c"), verifierWithJwks(key).verify(t).subject());

    Path sec1 = dir.resolve("sec1.pem");
    Programs.run(List.of("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout",
        "-out", sec1.toString()));
    AuthConfigException e = assertThrows(AuthConfigException.class, () -> IssuerKey.load(sec1));
    assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
  }

  @Test
  void mismatchedOrWrongCurveKeysAreRefused() throws Exception {
    IssuerKey a = IssuerKey.generate();
    IssuerKey b = IssuerKey.generate();
    String mixed = a.toPem().substring(0, a.toPem().indexOf("-----BEGIN PUBLIC KEY"))
        + b.toPem().substring(b.toPem().indexOf("-----BEGIN PUBLIC KEY"));
    AuthConfigException e = assertThrows(AuthConfigException.class,
        () -> IssuerKey.parse(mixed, "mixed.pem"));
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    assertThrows(AuthConfigException.class, () -> IssuerKey.parse("nothing", "empty.pem"));
  }

  @Test
  void refreshTokensRedeemOnlyForTheirServiceUntilTheyExpireAndAreNoAccessTokens()
      throws Exception {
    IssuerKey key = IssuerKey.generate();
    TokenIssuer issuer = issuer(key);
    String refresh = issuer.refreshToken("alice", "registry.test", "v1");
    assertEquals(Optional.of(new TokenIssuer.RefreshGrant("alice", "v1")),
        issuer.redeem(refresh, "registry.test"));
    assertEquals(Optional.empty(), issuer.redeem(refresh, "other.service"));
    assertEquals(Optional.empty(), issuer(IssuerKey.generate()).redeem(refresh, "registry.test"));
    String access = issuer.issue(Optional.of("alice"), "registry.test", List.of()).token();
    assertEquals(Optional.empty(), issuer.redeem(access, "registry.test"),
        "an access token is not a refresh token");
    InvalidTokenException e = assertThrows(InvalidTokenException.class,
        () -> verifierWithJwks(key).verify(refresh));
    assertTrue(e.getMessage().contains("refresh token"), e.getMessage());
    String[] parts = refresh.split("\\.");
    String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA."
        + parts[2];
    assertEquals(Optional.empty(), issuer.redeem(tampered, "registry.test"));
    clock.advance(Duration.ofDays(1).plusSeconds(1));
    assertEquals(Optional.empty(), issuer.redeem(refresh, "registry.test"));
    assertNotEquals(refresh, issuer.refreshToken("alice", "registry.test", "v1"));
  }
}
