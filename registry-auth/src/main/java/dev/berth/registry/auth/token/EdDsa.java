package dev.berth.registry.auth.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;

/**
 * EdDSA (Ed25519) verification with the JDK's own {@code Ed25519} signature (Java 15+).
 * nimbus-jose-jwt's {@code Ed25519Verifier} needs Google Tink on the class path; the JDK needs
 * nothing. distribution 3 accepts {@code alg: EdDSA}, so tokens from a server that signs with
 * Ed25519 verify here too.
 */
final class EdDsa implements JWSVerifier {

  /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), followed by the 32 key bytes. */
  private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
      0x70, 0x03, 0x21, 0x00};

  private final PublicKey key;
  private final JCAContext jca = new JCAContext();

  EdDsa(PublicKey key) {
    this.key = key;
  }

  /** The 32-byte RFC 8032 encoding of an Ed25519 public key (the JWK's {@code x}). */
  static byte[] rawPublicKey(EdECPublicKey key) {
    byte[] der = key.getEncoded();
    byte[] raw = new byte[32];
    System.arraycopy(der, der.length - 32, raw, 0, 32);
    return raw;
  }

  /** An Ed25519 public key from its 32 raw bytes. */
  static PublicKey fromRaw(byte[] raw) throws GeneralSecurityException {
    if (raw.length != 32) {
      throw new GeneralSecurityException("an Ed25519 key has 32 bytes, not " + raw.length);
    }
    byte[] der = new byte[SPKI_PREFIX.length + 32];
    System.arraycopy(SPKI_PREFIX, 0, der, 0, SPKI_PREFIX.length);
    System.arraycopy(raw, 0, der, SPKI_PREFIX.length, 32);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  static boolean isEd25519(PublicKey key) {
    return key instanceof EdECPublicKey ed && ed.getParams().getName().equals("Ed25519");
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature)
      throws JOSEException {
    // No critical header parameter is understood here (RFC 7515 4.1.11: refuse the token).
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
        || (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty())) {
      return false;
    }
    try {
      Signature s = Signature.getInstance("Ed25519");
      s.initVerify(key);
      s.update(signingInput);
      return s.verify(signature.decode());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.EdDSA);
  }

  @Override
  public JCAContext getJCAContext() {
    return jca;
  }
}
