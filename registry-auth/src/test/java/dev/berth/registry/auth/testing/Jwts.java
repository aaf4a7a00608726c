package dev.berth.registry.auth.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds tokens the way token servers do, for verifier tests. */
public final class Jwts {
  private Jwts() {}

  /** Typical claims: issuer, audience, a subject, valid from now for five minutes. */
  public static JWTClaimsSet.Builder claims(String issuer, String audience, Instant now) {
    return new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject("alice")
        .notBeforeTime(Date.from(now)).issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300))).jwtID("jti-1");
  }

  /** One {@code access} claim entry. */
  public static Map<String, Object> access(String type, String name, String... actions) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("type", type);
    entry.put("name", name);
    entry.put("actions", List.of(actions));
    return entry;
  }

  public static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }

  /** An EdDSA (Ed25519) token signed with the JDK's signature. */
  public static String signEd25519(JWSHeader header, JWTClaimsSet claims, PrivateKey key) {
    String input = header.toBase64URL() + "."
        + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + Base64URL.encode(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An unsecured token ({@code alg: none}, RFC 7519 6.1) with these claims. */
  public static String unsecured(JWTClaimsSet claims) {
    return Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
        + Base64URL.encode(claims.toString()) + ".";
  }
}
