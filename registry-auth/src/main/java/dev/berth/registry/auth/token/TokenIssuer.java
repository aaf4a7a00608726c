package dev.berth.registry.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.berth.registry.auth.Scope;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the built-in token server's tokens: ES256 JWTs shaped like distribution's token server's
 * ({@code iss}, {@code sub}, {@code aud} as a plain string (registry 2.x reads only that form),
 * {@code exp}, {@code nbf}, {@code iat}, {@code jti}, {@code access}), with {@code kid} in the
 * header and {@code x5c} when the key came with a certificate. A {@link TokenVerifier} given the
 * issuer's {@link IssuerKey#publicJwks() JWKS} (or its certificate as the root bundle) verifies
 * them, so one configuration serves the token server and the registry.
 *
 * <p>Refresh tokens are signed JWTs too (header {@code typ} {@value TokenVerifier#REFRESH_TYPE},
 * which the verifier refuses as an access token), so they survive a restart without a store.
 * They carry the subject, the service and a fingerprint of the user's password hash: changing
 * the password revokes them.
 */
public final class TokenIssuer {

  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
  public static final Duration DEFAULT_REFRESH_LIFETIME = Duration.ofDays(90);

  /** The specification asks for at least 60 s so older clients do not refetch at once. */
  static final Duration MIN_LIFETIME = Duration.ofSeconds(60);

  private final IssuerKey key;
  private final String issuer;
  private final Duration lifetime;
  private final Duration refreshLifetime;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private TokenIssuer(IssuerKey key, String issuer, Duration lifetime, Duration refreshLifetime,
      Clock clock) {
    if (lifetime.compareTo(MIN_LIFETIME) < 0) {
      throw new IllegalArgumentException("token lifetime below " + MIN_LIFETIME);
    }
    this.key = key;
    this.issuer = issuer;
    this.lifetime = lifetime;
    this.refreshLifetime = refreshLifetime;
    this.clock = clock;
  }

  public static TokenIssuer of(IssuerKey key, String issuer, Duration lifetime,
      Duration refreshLifetime, Clock clock) {
    return new TokenIssuer(key, issuer, lifetime, refreshLifetime, clock);
  }

  /** An access token and when it was made. */
  public record IssuedToken(String token, Instant issuedAt, Duration expiresIn) {}

  /** What a valid refresh token says. */
  public record RefreshGrant(String subject, String passwordVersion) {}

  /** An access token for {@code subject} (empty: anonymous) granting {@code granted}. */
  public IssuedToken issue(Optional<String> subject, String audience, List<Scope> granted) {
    Instant now = clock.instant();
    List<Object> access = new ArrayList<>();
    for (Scope s : granted) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("type", s.type());
      if (!s.resourceClass().isEmpty()) {
        entry.put("class", s.resourceClass());
      }
      entry.put("name", s.name());
      entry.put("actions", s.actions());
      access.add(entry);
    }
    JWTClaimsSet.Builder claims = base(audience, now, lifetime).claim("access", access);
    subject.ifPresent(claims::subject);
    JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256)
        .type(JOSEObjectType.JWT).keyID(key.kid());
    if (!key.chain().isEmpty()) {
      header.x509CertChain(encode(key.chain()));
    }
    return new IssuedToken(sign(header.build(), claims.build()), now, lifetime);
  }

  /** A refresh token for {@code subject} at {@code audience}. */
  public String refreshToken(String subject, String audience, String passwordVersion) {
    JWTClaimsSet claims = base(audience, clock.instant(), refreshLifetime).subject(subject)
        .claim("pwv", passwordVersion).build();
    return sign(new JWSHeader.Builder(JWSAlgorithm.ES256)
        .type(new JOSEObjectType(TokenVerifier.REFRESH_TYPE)).keyID(key.kid()).build(), claims);
  }

  /** What a refresh token says, if it is ours, for {@code audience}, and not expired. */
  public Optional<RefreshGrant> redeem(String refreshToken, String audience) {
    if (refreshToken.length() > TokenVerifier.MAX_TOKEN_LENGTH) {
      return Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(refreshToken);
      JWSHeader h = jwt.getHeader();
      if (!JWSAlgorithm.ES256.equals(h.getAlgorithm()) || h.getType() == null
          || !TokenVerifier.REFRESH_TYPE.equals(h.getType().getType())
          || !jwt.verify(new ECDSAVerifier(key.publicKey()))) {
        return Optional.empty();
      }
      JWTClaimsSet c = jwt.getJWTClaimsSet();
      Date exp = c.getExpirationTime();
      String sub = c.getSubject();
      String pwv = c.getStringClaim("pwv");
      if (!issuer.equals(c.getIssuer()) || !c.getAudience().contains(audience) || exp == null
          || !clock.instant().isBefore(exp.toInstant()) || sub == null || pwv == null) {
        return Optional.empty();
      }
      return Optional.of(new RefreshGrant(sub, pwv));
    } catch (ParseException | JOSEException e) {
      return Optional.empty();
    }
  }

  public IssuerKey key() {
    return key;
  }

  public String issuer() {
    return issuer;
  }

  private JWTClaimsSet.Builder base(String audience, Instant now, Duration valid) {
    byte[] jti = new byte[15];
    random.nextBytes(jti);
    return new JWTClaimsSet.Builder().issuer(issuer).audience(audience)
        .expirationTime(Date.from(now.plus(valid))).notBeforeTime(Date.from(now))
        .issueTime(Date.from(now)).jwtID(com.nimbusds.jose.util.Base64URL.encode(jti).toString());
  }

  private String sign(JWSHeader header, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new ECDSASigner(key.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign with the issuer key", e);
    }
    return jwt.serialize();
  }

  private static List<Base64> encode(List<X509Certificate> chain) {
    List<Base64> out = new ArrayList<>();
    for (X509Certificate c : chain) {
      try {
        out.add(Base64.encode(c.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }
}
