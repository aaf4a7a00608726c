package dev.berth.registry.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.auth.AccessGrants;
import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Scope;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verifies Bearer tokens as distribution's {@code registry/auth/token} does.
 *
 * <p>Signing key, in distribution's order: an {@code x5c} chain valid up to the root bundle (its
 * leaf's key); else a {@code jwk} header, only if that very key is trusted (or carries an
 * {@code x5c} chain that is valid and whose leaf holds that key); else {@code kid}, looked up
 * among the JWKS keys and the bundle's keys by their JWKS kid, RFC 7638 thumbprint or libtrust id.
 * A token with none of the three is refused. HS256/384/512 use the configured secret and nothing
 * else (so an HS256 token "signed" with a public key as its secret fails); without a secret they
 * are refused, and {@code alg: none} never parses as a signed token.
 *
 * <p>Claims: {@code iss} equals the issuer; {@code aud}, a string or a list, contains the service;
 * {@code exp} is required (distribution reads a missing one as 0, long past) and {@code nbf} is
 * optional, both with 60 s of leeway.
 *
 * <p>A token that verified is remembered for up to a minute (at most {@value #CACHE_ENTRIES}
 * tokens, keyed by the SHA-256 of its text, so a hit needs the token itself): a client sends the
 * same token with every request of a pull, and a signature check costs far more than the
 * request (hundreds of microseconds for ES256 on the JDK). {@code exp} is checked again on every
 * hit; nothing that failed is remembered.
 */
public final class TokenVerifier {

  /** distribution's leeway for clock skew on {@code exp} and {@code nbf}. */
  public static final Duration LEEWAY = Duration.ofSeconds(60);

  /** Longer than any real token: refused before parsing. */
  public static final int MAX_TOKEN_LENGTH = 16 * 1024;

  /** What distribution 3 accepts when {@code signingalgorithms} is not set. */
  public static final List<String> DEFAULT_ALGORITHMS = List.of("EdDSA", "HS256", "HS384",
      "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512");

  /** The header {@code typ} of Berth's refresh tokens, which are never access tokens. */
  static final String REFRESH_TYPE = "berth-refresh+jwt";

  static final int CACHE_ENTRIES = 4096;
  static final Duration CACHE_FOR = Duration.ofMinutes(1);

  private final TrustedKeys keys;
  private final VerifiedTokens verified;
  private final AtomicLong signatureChecks = new AtomicLong();
  private final byte[] secret;
  private final String issuer;
  private final String service;
  private final Set<JWSAlgorithm> algorithms;
  private final Clock clock;

  private TokenVerifier(TrustedKeys keys, byte[] secret, String issuer, String service,
      List<String> algorithms, Clock clock) {
    this.keys = keys;
    this.secret = secret;
    this.issuer = issuer;
    this.service = service;
    this.clock = clock;
    Set<JWSAlgorithm> algs = new LinkedHashSet<>();
    for (String name : algorithms.isEmpty() ? DEFAULT_ALGORITHMS : algorithms) {
      if (!DEFAULT_ALGORITHMS.contains(name)) {
        throw new AuthConfigException("token auth: unsupported signing algorithm " + name);
      }
      algs.add(JWSAlgorithm.parse(name));
    }
    this.algorithms = Set.copyOf(algs);
    this.verified = new VerifiedTokens(CACHE_ENTRIES, CACHE_FOR, LEEWAY);
  }

  /** Reads the configured keys now. */
  public static TokenVerifier create(TokenAuthConfig config, Clock clock) {
    TrustedKeys keys = TrustedKeys.load(config.rootCertBundle(), config.jwks());
    if (keys.isEmpty() && config.hmacSecret().isEmpty()) {
      throw new AuthConfigException("token auth requires at least one token signing key; "
          + "the configured bundle and JWKS hold none");
    }
    return new TokenVerifier(keys, config.hmacSecret().orElse(null), config.issuer(),
        config.service(), config.algorithms(), clock);
  }

  /**
   * Verifies against keys already at hand (the built-in token server's own key), accepting only
   * {@code algorithms} (empty: distribution's default list). No HMAC secret.
   */
  public static TokenVerifier of(TrustedKeys keys, String issuer, String service,
      List<String> algorithms, Clock clock) {
    if (keys.isEmpty()) {
      throw new AuthConfigException("token auth requires at least one token signing key");
    }
    return new TokenVerifier(keys, null, issuer, service, algorithms, clock);
  }

  /** Verifies {@code token} (the part after {@code Bearer }). */
  public VerifiedToken verify(String token) throws InvalidTokenException {
    if (token.length() > MAX_TOKEN_LENGTH) {
      throw new InvalidTokenException("token longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    VerifiedTokens.Key key = VerifiedTokens.Key.of(token);
    long now = clock.millis();
    VerifiedTokens.Entry hit = verified.get(key, now);
    if (hit != null) {
      if (now <= hit.refusedAfter()) {
        return hit.token();
      }
      verified.remove(key);
      throw new InvalidTokenException("token expired at " + hit.token().expiresAt());
    }
    VerifiedToken fresh = verifyUncached(token);
    verified.put(key, fresh, now);
    return fresh;
  }

  /** How many tokens had their signature checked: tests see the cache work without timing it. */
  long signatureChecks() {
    return signatureChecks.get();
  }

  private VerifiedToken verifyUncached(String token) throws InvalidTokenException {
    signatureChecks.incrementAndGet();
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed token: " + e.getMessage());
    }
    JWSHeader header = jwt.getHeader();
    JWSAlgorithm alg = header.getAlgorithm();
    if (!algorithms.contains(alg)) {
      throw new InvalidTokenException("signing algorithm " + alg + " is not accepted");
    }
    if (header.getType() != null && REFRESH_TYPE.equals(header.getType().getType())) {
      throw new InvalidTokenException("a refresh token is not an access token");
    }
    try {
      if (!jwt.verify(verifierFor(header))) {
        throw new InvalidTokenException("bad signature");
      }
    } catch (JOSEException e) {
      throw new InvalidTokenException("signature cannot be checked: " + e.getMessage(), e);
    }
    return checkClaims(jwt);
  }

  private JWSVerifier verifierFor(JWSHeader header) throws InvalidTokenException, JOSEException {
    JWSAlgorithm alg = header.getAlgorithm();
    if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
      if (secret == null) {
        throw new InvalidTokenException(alg + " token but no HMAC secret is configured");
      }
      return new MACVerifier(secret);
    }
    PublicKey key = signingKey(header);
    if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAPublicKey rsa) {
      return new RSASSAVerifier(rsa);
    }
    if (JWSAlgorithm.Family.EC.contains(alg) && key instanceof ECPublicKey ec) {
      return new ECDSAVerifier(ec);
    }
    if (JWSAlgorithm.EdDSA.equals(alg) && EdDsa.isEd25519(key)) {
      return new EdDsa(key);
    }
    throw new InvalidTokenException("a " + key.getAlgorithm() + " key cannot verify " + alg);
  }

  private PublicKey signingKey(JWSHeader header) throws InvalidTokenException {
    if (header.getX509CertChain() != null && !header.getX509CertChain().isEmpty()) {
      return chainLeaf(header.getX509CertChain()).getPublicKey();
    }
    JWK jwk = header.getJWK();
    if (jwk != null) {
      PublicKey key;
      try {
        key = TrustedKeys.publicKey(jwk);
      } catch (AuthConfigException e) {
        throw new InvalidTokenException("unusable jwk header: " + e.getMessage());
      }
      if (jwk.getX509CertChain() != null && !jwk.getX509CertChain().isEmpty()) {
        PublicKey leaf = chainLeaf(jwk.getX509CertChain()).getPublicKey();
        if (!java.util.Arrays.equals(leaf.getEncoded(), key.getEncoded())) {
          throw new InvalidTokenException("the jwk header's key is not its certificate's key");
        }
        return leaf;
      }
      if (!keys.isTrusted(key)) {
        throw new InvalidTokenException("untrusted jwk header with no certificate chain");
      }
      return key;
    }
    String kid = header.getKeyID();
    if (kid != null && !kid.isEmpty()) {
      return keys.byKeyId(kid).orElseThrow(
          () -> new InvalidTokenException("token signed by untrusted key with id " + kid));
    }
    throw new InvalidTokenException("the token names its key by none of x5c, jwk, kid");
  }

  private X509Certificate chainLeaf(List<Base64> x5c) throws InvalidTokenException {
    List<X509Certificate> chain = new ArrayList<>();
    for (Base64 der : x5c) {
      X509Certificate cert = X509CertUtils.parse(der.decode());
      if (cert == null) {
        throw new InvalidTokenException("an x5c certificate cannot be parsed");
      }
      chain.add(cert);
    }
    try {
      return CertificateChains.verify(chain, keys.anchors(), Date.from(clock.instant()));
    } catch (GeneralSecurityException e) {
      throw new InvalidTokenException("x5c chain not valid: " + e.getMessage(), e);
    }
  }

  private VerifiedToken checkClaims(SignedJWT jwt) throws InvalidTokenException {
    JWTClaimsSet claims;
    Date exp;
    Date nbf;
    String sub;
    List<String> aud;
    try {
      claims = jwt.getJWTClaimsSet();
      exp = claims.getExpirationTime();
      nbf = claims.getNotBeforeTime();
      sub = claims.getStringClaim("sub");
      aud = claims.getAudience();
      if (!issuer.equals(claims.getStringClaim("iss"))) {
        throw new InvalidTokenException("token from another issuer");
      }
    } catch (ParseException e) {
      throw new InvalidTokenException("malformed claims: " + e.getMessage());
    }
    if (!aud.contains(service)) {
      throw new InvalidTokenException("token for another audience " + aud);
    }
    Instant now = clock.instant();
    if (exp == null || now.isAfter(exp.toInstant().plus(LEEWAY))) {
      throw new InvalidTokenException("token expired at " + (exp == null ? "(none)"
          : exp.toInstant()));
    }
    if (nbf != null && now.isBefore(nbf.toInstant().minus(LEEWAY))) {
      throw new InvalidTokenException("token not valid before " + nbf.toInstant());
    }
    List<Scope> access = AccessClaim.parse(claims.getClaim("access"));
    return new VerifiedToken(Optional.ofNullable(sub).filter(s -> !s.isEmpty()), access,
        AccessGrants.of(access), exp.toInstant());
  }
}
