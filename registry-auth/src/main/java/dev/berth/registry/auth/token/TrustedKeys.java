package dev.berth.registry.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.berth.registry.auth.AuthConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys a token may be signed with: the certificates of the root bundle (PEM; blocks other than
 * {@code CERTIFICATE} skipped, as distribution does) and the keys of a JWKS file. A key is found
 * by {@code kid} under the JWKS entry's own {@code kid}, its RFC 7638 thumbprint and its libtrust
 * id ({@link KeyIds}); the bundle's certificates are also the trust anchors for {@code x5c}.
 */
public final class TrustedKeys {

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private final List<X509Certificate> roots;
  private final Map<String, PublicKey> byKid;
  private final Set<ByteKey> keys;

  private TrustedKeys(List<X509Certificate> roots, Map<String, PublicKey> byKid,
      Set<ByteKey> keys) {
    this.roots = List.copyOf(roots);
    this.byKid = Map.copyOf(byKid);
    this.keys = Set.copyOf(keys);
  }

  /** Reads the configured files; either may be absent. */
  public static TrustedKeys load(Optional<Path> rootCertBundle, Optional<Path> jwks) {
    List<X509Certificate> certs = new ArrayList<>();
    if (rootCertBundle.isPresent()) {
      certs.addAll(readBundle(rootCertBundle.get()));
    }
    List<JWK> jwkList = new ArrayList<>();
    if (jwks.isPresent()) {
      try {
        jwkList.addAll(JWKSet.parse(Files.readString(jwks.get(), StandardCharsets.UTF_8))
            .getKeys());
      } catch (IOException | ParseException e) {
        throw new AuthConfigException("token auth: cannot read the JWKS file " + jwks.get()
            + ": " + e.getMessage(), e);
      }
    }
    return of(certs, jwkList);
  }

  /** The trust of these certificates and JWKs. */
  public static TrustedKeys of(List<X509Certificate> certs, List<JWK> jwks) {
    Map<String, PublicKey> byKid = new HashMap<>();
    Set<ByteKey> keys = new HashSet<>();
    for (X509Certificate cert : certs) {
      add(cert.getPublicKey(), null, byKid, keys);
    }
    for (JWK jwk : jwks) {
      add(publicKey(jwk), jwk.getKeyID(), byKid, keys);
    }
    return new TrustedKeys(certs, byKid, keys);
  }

  private static void add(PublicKey key, String kid, Map<String, PublicKey> byKid,
      Set<ByteKey> keys) {
    keys.add(new ByteKey(key.getEncoded()));
    if (kid != null && !kid.isEmpty()) {
      byKid.put(kid, key);
    }
    try {
      for (String id : KeyIds.all(key)) {
        byKid.putIfAbsent(id, key);
      }
    } catch (IllegalArgumentException e) {
      // A key type we cannot compute ids for is still found by its JWKS kid.
    }
  }

  /** The public key of a JWK (RSA, EC or Ed25519); a private JWK's public half. */
  static PublicKey publicKey(JWK jwk) {
    try {
      if (jwk instanceof OctetKeyPair okp && "Ed25519".equals(okp.getCurve().getName())) {
        return EdDsa.fromRaw(okp.getX().decode());
      }
      if (jwk instanceof AsymmetricJWK asym) {
        return asym.toPublicKey();
      }
    } catch (JOSEException | GeneralSecurityException e) {
      throw new AuthConfigException("token auth: unusable JWK " + jwk.getKeyID() + ": "
          + e.getMessage(), e);
    }
    throw new AuthConfigException("token auth: JWK " + jwk.getKeyID() + " is of type "
        + jwk.getKeyType() + "; only RSA, EC and Ed25519 public keys can verify tokens");
  }

  private static List<X509Certificate> readBundle(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AuthConfigException("token auth: cannot read the root certificate bundle "
          + path + ": " + e.getMessage(), e);
    }
    List<X509Certificate> certs = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      if (!m.group(1).equals("CERTIFICATE")) {
        continue;
      }
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      try {
        certs.add((X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der)));
      } catch (CertificateException e) {
        throw new AuthConfigException("token auth: certificate " + (certs.size() + 1) + " of "
            + path + " cannot be parsed: " + e.getMessage(), e);
      }
    }
    return certs;
  }

  /** The key known by {@code kid}, if any. */
  public Optional<PublicKey> byKeyId(String kid) {
    return Optional.ofNullable(byKid.get(kid));
  }

  /** Whether {@code key} itself (same encoded form) is trusted. */
  public boolean isTrusted(PublicKey key) {
    return keys.contains(new ByteKey(key.getEncoded()));
  }

  /** The bundle's certificates as trust anchors for x5c chains. */
  public Set<TrustAnchor> anchors() {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate root : roots) {
      anchors.add(new TrustAnchor(root, null));
    }
    return anchors;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  private record ByteKey(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ByteKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }
}
