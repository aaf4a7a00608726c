package dev.berth.registry.auth.token;

import com.google.common.io.BaseEncoding;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The key ids token servers put in a JWT's {@code kid}, computed from a public key.
 *
 * <ul>
 *   <li>RFC 7638 JWK thumbprints (SHA-256, base64url without padding) over the members
 *       {@code {"crv","kty","x","y"}} (EC), {@code {"e","kty","n"}} (RSA) or
 *       {@code {"crv","kty","x"}} (Ed25519) in that order: what distribution 3 indexes its
 *       root certificates' keys under. distribution writes EC coordinates as Go's
 *       {@code big.Int.Bytes()}, which drops leading zero bytes where RFC 7518 pads them to the
 *       curve size; for the one key in 256 where the two differ, both are ids.
 *   <li>libtrust key ids, what registry 2.x and the token servers written for it send: SHA-256
 *       of the DER SubjectPublicKeyInfo, the first 240 bits in base32 without padding, in twelve
 *       groups of four joined by colons ({@code ABCD:EFGH:...}). EC and RSA keys only.
 * </ul>
 */
public final class KeyIds {

  private KeyIds() {}

  /** Every id {@code key} is known by. */
  public static Set<String> all(PublicKey key) {
    Set<String> ids = new LinkedHashSet<>();
    ids.add(thumbprint(key));
    if (key instanceof ECPublicKey ec) {
      ids.add(sha256Base64Url(ecJson(ec, false)));
    }
    if (key instanceof ECPublicKey || key instanceof RSAPublicKey) {
      ids.add(libtrust(key));
    }
    return ids;
  }

  /** The RFC 7638 thumbprint (SHA-256) of {@code key}, coordinates padded as RFC 7518 says. */
  public static String thumbprint(PublicKey key) {
    if (key instanceof ECPublicKey ec) {
      return sha256Base64Url(ecJson(ec, true));
    }
    if (key instanceof RSAPublicKey rsa) {
      return sha256Base64Url("{\"e\":\"" + b64(unsigned(rsa.getPublicExponent())) + "\",\"kty\":"
          + "\"RSA\",\"n\":\"" + b64(unsigned(rsa.getModulus())) + "\"}");
    }
    if (key instanceof EdECPublicKey ed && ed.getParams().getName().equals("Ed25519")) {
      return sha256Base64Url("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\""
          + b64(EdDsa.rawPublicKey(ed)) + "\"}");
    }
    throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
  }

  /** The libtrust key id of an EC or RSA key. */
  public static String libtrust(PublicKey key) {
    String b32 = BaseEncoding.base32().omitPadding()
        .encode(Arrays.copyOf(sha256(key.getEncoded()), 30));
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < b32.length(); i += 4) {
      if (i > 0) {
        out.append(':');
      }
      out.append(b32, i, Math.min(i + 4, b32.length()));
    }
    return out.toString();
  }

  /** The JOSE curve name of an EC key, from its field size. */
  static String curveName(ECPublicKey ec) {
    int bits = ec.getParams().getCurve().getField().getFieldSize();
    return switch (bits) {
      case 256 -> "P-256";
      case 384 -> "P-384";
      case 521 -> "P-521";
      default -> throw new IllegalArgumentException("unsupported EC curve of " + bits + " bits");
    };
  }

  private static String ecJson(ECPublicKey ec, boolean padded) {
    int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
    byte[] x = unsigned(ec.getW().getAffineX());
    byte[] y = unsigned(ec.getW().getAffineY());
    if (padded) {
      x = leftPad(x, size);
      y = leftPad(y, size);
    }
    return "{\"crv\":\"" + curveName(ec) + "\",\"kty\":\"EC\",\"x\":\"" + b64(x) + "\",\"y\":\""
        + b64(y) + "\"}";
  }

  private static byte[] unsigned(BigInteger n) {
    byte[] b = n.toByteArray();
    return b.length > 1 && b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
  }

  private static byte[] leftPad(byte[] b, int size) {
    if (b.length >= size) {
      return b;
    }
    byte[] out = new byte[size];
    System.arraycopy(b, 0, out, size - b.length, b.length);
    return out;
  }

  private static String b64(byte[] b) {
    return BaseEncoding.base64Url().omitPadding().encode(b);
  }

  private static String sha256Base64Url(String json) {
    return b64(sha256(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
