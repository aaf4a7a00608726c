package dev.berth.registry.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.auth.testing.Jwts;
import dev.berth.registry.auth.testing.TestPki;
import dev.berth.registry.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenVerifierTest {

  static final String ISSUER = "berth-test-issuer";
  static final String SERVICE = "registry.test";
  static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  @TempDir
  static Path dir;

  static TestPki pki;
  static KeyPair jwksEc;
  static KeyPair jwksP384;
  static KeyPair jwksRsa;
  static KeyPair jwksEd;
  static KeyPair untrusted;
  static Path bundle;
  static Path jwks;

  final TestClock clock = TestClock.atSystemTime();

  @BeforeAll
  static void keys() throws Exception {
    pki = TestPki.get();
    jwksEc = ec("secp256r1");
    jwksP384 = ec("secp384r1");
    untrusted = ec("secp256r1");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    jwksRsa = rsa.generateKeyPair();
    jwksEd = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    bundle = dir.resolve("bundle.pem");
    Files.writeString(bundle, "-----BEGIN PRIVATE KEY-----\nignored\n-----END PRIVATE KEY-----\n"
        + TestPki.pem(pki.root, pki.selfSigned));
    byte[] edRaw = EdDsa.rawPublicKey((java.security.interfaces.EdECPublicKey) jwksEd.getPublic());
    JWKSet set = new JWKSet(List.of(
        new ECKey.Builder(Curve.P_256, (ECPublicKey) jwksEc.getPublic()).keyID("jwks-ec").build(),
        new ECKey.Builder(Curve.P_384, (ECPublicKey) jwksP384.getPublic()).build(),
        new RSAKey.Builder((RSAPublicKey) jwksRsa.getPublic()).build(),
        new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(edRaw)).keyID("ed").build()));
    jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, set.toString());
  }

  static KeyPair ec(String curve) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec(curve));
    return g.generateKeyPair();
  }

  TokenVerifier verifier(boolean withSecret) {
    TokenAuthConfig.Builder b = TokenAuthConfig.builder().realm("https://auth.test/token")
        .service(SERVICE).issuer(ISSUER).rootCertBundle(bundle).jwks(jwks);
    if (withSecret) {
      b.hmacSecret(SECRET);
    }
    return TokenVerifier.create(b.build(), clock);
  }

  JWTClaimsSet.Builder claims() {
    return Jwts.claims(ISSUER, SERVICE, clock.instant())
        .claim("access", List.of(Jwts.access("repository", "a/b", "pull", "push")));
  }

  static JWSHeader.Builder es256() {
    return new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT);
  }

  static String signEc(JWSHeader header, JWTClaimsSet claims, KeyPair pair) throws Exception {
    return Jwts.sign(header, claims, new ECDSASigner((ECPrivateKey) pair.getPrivate()));
  }

  void assertValid(String token) throws Exception {
    VerifiedToken v = verifier(true).verify(token);
    assertEquals(Optional.of("alice"), v.subject());
    assertTrue(v.grants().allows("repository", "a/b", "push"), v.toString());
  }

  void assertInvalid(String token, String why) {
    InvalidTokenException e = assertThrows(InvalidTokenException.class,
        () -> verifier(true).verify(token));
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertTrue(!e.getMessage().contains(token.substring(0, Math.min(20, token.length())))
        || token.length() < 20, "the message repeats the token");
  }

  // --- key resolution ---

  @Test
  void kidNamesAJwksKeyByItsOwnKid() throws Exception {
    assertValid(signEc(es256().keyID("jwks-ec").build(), claims().build(), jwksEc));
  }

  @Test
  void kidNamesAJwksKeyByItsRfc7638ThumbprintOrLibtrustId() throws Exception {
    PublicKeyIds ids = new PublicKeyIds(jwksEc.getPublic());
    assertValid(signEc(es256().keyID(ids.thumbprint).build(), claims().build(), jwksEc));
    assertValid(signEc(es256().keyID(ids.libtrust).build(), claims().build(), jwksEc));
  }

  @Test
  void kidNamesABundleCertificatesKeyByThumbprintOrLibtrustId() throws Exception {
    KeyPair self = new KeyPair(pki.selfSigned.getPublicKey(), pki.selfSignedKey);
    PublicKeyIds ids = new PublicKeyIds(self.getPublic());
    assertValid(signEc(es256().keyID(ids.thumbprint).build(), claims().build(), self));
    assertValid(signEc(es256().keyID(ids.libtrust).build(), claims().build(), self));
  }

  @Test
  void anUnknownKidOrNoKeyReferenceIsRefused() throws Exception {
    assertInvalid(signEc(es256().keyID("nope").build(), claims().build(), jwksEc),
        "untrusted key with id nope");
    assertInvalid(signEc(es256().build(), claims().build(), jwksEc), "none of x5c, jwk, kid");
    String id = new PublicKeyIds(jwksEc.getPublic()).thumbprint;
    assertInvalid(signEc(es256().keyID(id).build(), claims().build(), untrusted),
        "bad signature");
  }

  @Test
  void x5cChainsUpToTheBundleVerifyInAnyIntermediateOrder() throws Exception {
    KeyPair leaf = new KeyPair(pki.leaf.getPublicKey(), pki.leafKey);
    assertValid(signEc(es256().x509CertChain(chain(pki.leaf, pki.intermediate)).build(),
        claims().build(), leaf));
    assertValid(signEc(es256().x509CertChain(chain(pki.leaf, pki.rogueRoot, pki.intermediate,
        pki.root)).build(), claims().build(), leaf));
    KeyPair self = new KeyPair(pki.selfSigned.getPublicKey(), pki.selfSignedKey);
    assertValid(signEc(es256().x509CertChain(chain(pki.selfSigned)).build(), claims().build(),
        self));
  }

  @Test
  void x5cChainsThatDoNotReachTheBundleOrHaveExpiredAreRefused() throws Exception {
    KeyPair rogue = new KeyPair(pki.rogueLeaf.getPublicKey(), pki.rogueLeafKey);
    assertInvalid(signEc(es256().x509CertChain(chain(pki.rogueLeaf, pki.rogueRoot)).build(),
        claims().build(), rogue), "x5c chain not valid");
    KeyPair leaf = new KeyPair(pki.leaf.getPublicKey(), pki.leafKey);
    assertInvalid(signEc(es256().x509CertChain(chain(pki.leaf)).build(), claims().build(), leaf),
        "x5c chain not valid");
    KeyPair expired = new KeyPair(pki.expiredLeaf.getPublicKey(), pki.expiredLeafKey);
    assertInvalid(signEc(es256().x509CertChain(chain(pki.expiredLeaf, pki.intermediate)).build(),
        claims().build(), expired), "x5c chain not valid");
    // A valid chain does not make another key's signature good.
    assertInvalid(signEc(es256().x509CertChain(chain(pki.leaf, pki.intermediate)).build(),
        claims().build(), jwksEc), "bad signature");
    // x5c wins over a trusted kid, as in distribution.
    assertInvalid(signEc(es256().x509CertChain(chain(pki.rogueLeaf)).keyID("jwks-ec").build(),
        claims().build(), jwksEc), "x5c chain not valid");
  }

  @Test
  void aJwkHeaderCountsOnlyWhenThatKeyIsTrusted() throws Exception {
    ECKey trusted = new ECKey.Builder(Curve.P_256, (ECPublicKey) jwksEc.getPublic()).build();
    assertValid(signEc(es256().jwk(trusted).build(), claims().build(), jwksEc));
    ECKey self = new ECKey.Builder(Curve.P_256, (ECPublicKey) untrusted.getPublic())
        .keyID("jwks-ec").build();
    assertInvalid(signEc(es256().jwk(self).build(), claims().build(), untrusted),
        "untrusted jwk header");
    ECKey withChain = new ECKey.Builder(Curve.P_256, (ECPublicKey) pki.leaf.getPublicKey())
        .x509CertChain(chain(pki.leaf, pki.intermediate)).build();
    assertValid(signEc(es256().jwk(withChain).build(), claims().build(),
        new KeyPair(pki.leaf.getPublicKey(), pki.leafKey)));
  }

  // --- algorithms ---

  @Test
  void rsaPssEcdsaOfOtherCurvesAndEdDsaVerify() throws Exception {
    RSASSASigner rsa = new RSASSASigner((RSAPrivateKey) jwksRsa.getPrivate());
    String rsaId = new PublicKeyIds(jwksRsa.getPublic()).thumbprint;
    for (JWSAlgorithm alg : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS512, JWSAlgorithm.PS256,
        JWSAlgorithm.PS384)) {
      assertValid(Jwts.sign(new JWSHeader.Builder(alg).keyID(rsaId).build(), claims().build(),
          rsa));
    }
    String p384 = new PublicKeyIds(jwksP384.getPublic()).thumbprint;
    assertValid(Jwts.sign(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(p384).build(),
        claims().build(), new ECDSASigner((ECPrivateKey) jwksP384.getPrivate())));
    assertValid(Jwts.signEd25519(new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID("ed").build(),
        claims().build(), jwksEd.getPrivate()));
  }

  @Test
  void anAlgorithmThatDoesNotFitTheKeyIsRefused() throws Exception {
    String p384 = new PublicKeyIds(jwksP384.getPublic()).thumbprint;
    assertInvalid(Jwts.sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(p384).build(),
        claims().build(), new ECDSASigner((ECPrivateKey) jwksEc.getPrivate())),
        "");
    String rsaId = new PublicKeyIds(jwksRsa.getPublic()).thumbprint;
    assertInvalid(signEc(es256().keyID(rsaId).build(), claims().build(), jwksEc),
        "cannot verify ES256");
  }

  @Test
  void algNoneNeverVerifies() {
    assertInvalid(Jwts.unsecured(claims().build()), "malformed token");
  }

  @Test
  void hmacTokensNeedTheConfiguredSecret() throws Exception {
    String token = Jwts.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), claims().build(),
        new MACSigner(SECRET));
    assertValid(token);
    InvalidTokenException e = assertThrows(InvalidTokenException.class,
        () -> verifier(false).verify(token));
    assertTrue(e.getMessage().contains("no HMAC secret"), e.getMessage());
  }

  @Test
  void hs256SignedWithAPublicKeyAsSecretIsRefused() throws Exception {
    // The classic key-confusion attack: the attacker knows the public key and uses it as the
    // HMAC secret, hoping the verifier feeds "the key" to HMAC.
    String pem = TestPki.pem(pki.selfSigned);
    for (byte[] secret : List.of(pki.selfSigned.getPublicKey().getEncoded(),
        pem.getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(jwks))) {
      String kid = new PublicKeyIds(pki.selfSigned.getPublicKey()).thumbprint;
      String token = Jwts.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
          claims().build(), new MACSigner(secret));
      assertInvalid(token, "bad signature");
      assertThrows(InvalidTokenException.class, () -> verifier(false).verify(token));
    }
  }

  @Test
  void configuredAlgorithmsRestrictWhatVerifies() throws Exception {
    TokenVerifier onlyRsa = TokenVerifier.create(TokenAuthConfig.builder().realm("r")
        .service(SERVICE).issuer(ISSUER).jwks(jwks).algorithms(List.of("RS256")).build(), clock);
    String token = signEc(es256().keyID("jwks-ec").build(), claims().build(), jwksEc);
    InvalidTokenException e = assertThrows(InvalidTokenException.class,
        () -> onlyRsa.verify(token));
    assertTrue(e.getMessage().contains("ES256 is not accepted"), e.getMessage());
    AuthConfigException none = assertThrows(AuthConfigException.class,
        () -> TokenVerifier.create(TokenAuthConfig.builder().realm("r").service(SERVICE)
            .issuer(ISSUER).jwks(jwks).algorithms(List.of("none")).build(), clock));
    assertTrue(none.getMessage().contains("unsupported signing algorithm none"), none.getMessage());
  }

  // --- claims ---

  String sign(JWTClaimsSet claims) throws Exception {
    return signEc(es256().keyID("jwks-ec").build(), claims, jwksEc);
  }

  @Test
  void issuerAudienceAndTimesAreChecked() throws Exception {
    assertInvalid(sign(claims().issuer("other").build()), "another issuer");
    assertInvalid(sign(claims().audience("other").build()), "another audience");
    assertInvalid(sign(claims().audience((String) null).build()), "another audience");
    assertValid(sign(claims().audience(List.of("other", SERVICE)).build()));
    assertInvalid(sign(claims().expirationTime(null).build()), "expired");
    Date past = Date.from(clock.instant().minusSeconds(61));
    assertInvalid(sign(claims().expirationTime(past).build()), "expired");
    Date justPast = Date.from(clock.instant().minusSeconds(59));
    assertValid(sign(claims().expirationTime(justPast).build()));
    Date future = Date.from(clock.instant().plusSeconds(61));
    assertInvalid(sign(claims().notBeforeTime(future).build()), "not valid before");
    assertValid(sign(claims().notBeforeTime(Date.from(clock.instant().plusSeconds(59)))
        .build()));
    assertValid(sign(claims().notBeforeTime(null).build()));
  }

  @Test
  void aTokenExpiresWithTheClock() throws Exception {
    String token = sign(claims().build());
    assertValid(token);
    clock.advance(Duration.ofSeconds(300 + 61));
    assertInvalid(token, "expired");
  }

  @Test
  void accessClaimsGrantExactNamesOnly() throws Exception {
    JWTClaimsSet c = claims().claim("access", List.of(
        Jwts.access("repository", "a/b", "pull"),
        Jwts.access("repository", "c/d", "*"),
        Jwts.access("registry", "catalog", "*"))).build();
    VerifiedToken v = verifier(true).verify(sign(c));
    assertTrue(v.grants().allows("repository", "a/b", "pull"));
    assertTrue(!v.grants().allows("repository", "a/b", "push"));
    assertTrue(!v.grants().allows("repository", "a/b/c", "pull"));
    assertTrue(!v.grants().allows("repository", "A/B", "pull"));
    assertTrue(!v.grants().allows("repository", "a", "pull"));
    assertTrue(v.grants().allows("repository", "c/d", "delete"));
    assertTrue(v.grants().allows("registry", "catalog", "*"));
    assertEquals(List.of(Scope.repository("a/b", "pull"), Scope.repository("c/d", "*"),
        Scope.catalog()), v.access());
  }

  @Test
  void aMalformedAccessClaimMakesTheTokenInvalidAndNoClaimGrantsNothing() throws Exception {
    assertInvalid(sign(claims().claim("access", "repository:a/b:pull").build()), "not a list");
    assertInvalid(sign(claims().claim("access", List.of("x")).build()), "not an object");
    VerifiedToken none = verifier(true).verify(sign(claims().claim("access", null).build()));
    assertTrue(none.grants().isEmpty());
    VerifiedToken anonymous = verifier(true).verify(sign(claims().subject(null).build()));
    assertEquals(Optional.empty(), anonymous.subject());
  }

  @Test
  void overlongTokensAndRefreshTokensAreRefused() throws Exception {
    assertInvalid("a".repeat(20_000), "longer than");
    String refresh = signEc(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("jwks-ec")
        .type(new JOSEObjectType(TokenVerifier.REFRESH_TYPE)).build(), claims().build(), jwksEc);
    assertInvalid(refresh, "refresh token");
  }

  @Test
  void aConfigurationWithoutKeysIsRefused() throws Exception {
    Path empty = dir.resolve("empty.pem");
    Files.writeString(empty, "no certificates here\n");
    AuthConfigException e = assertThrows(AuthConfigException.class, () -> TokenVerifier.create(
        TokenAuthConfig.builder().realm("r").service("s").issuer("i").rootCertBundle(empty)
            .build(), clock));
    assertTrue(e.getMessage().contains("at least one token signing key"), e.getMessage());
    assertThrows(AuthConfigException.class, () -> TokenAuthConfig.builder().realm("r")
        .service("s").issuer("i").build());
    assertThrows(AuthConfigException.class, () -> TokenAuthConfig.builder().realm("r")
        .service("s").issuer("i").hmacSecret(new byte[16]).build());
  }

  static List<Base64> chain(X509Certificate... certs) throws Exception {
    List<Base64> out = new java.util.ArrayList<>();
    for (X509Certificate c : certs) {
      out.add(Base64.encode(c.getEncoded()));
    }
    return out;
  }

  /** The ids a token server would put in kid for a key. */
  static final class PublicKeyIds {
    final String thumbprint;
    final String libtrust;

    PublicKeyIds(java.security.PublicKey key) {
      this.thumbprint = KeyIds.thumbprint(key);
      this.libtrust = KeyIds.libtrust(key);
    }
  }
}
