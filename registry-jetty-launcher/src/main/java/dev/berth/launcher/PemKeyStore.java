package dev.berth.launcher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEM certificate chain and its private key (distribution's {@code http.tls.certificate} and
 * {@code http.tls.key}, as {@code openssl} and certbot write them) as an in-memory key store for
 * Jetty. Keys: PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519) and PKCS#1 RSA
 * ({@code BEGIN RSA PRIVATE KEY}); the key is checked to belong to the certificate.
 */
final class PemKeyStore {
  private PemKeyStore() {}

  /** The password of the in-memory store; it never leaves the process. */
  static final char[] PASSWORD = "berth".toCharArray();

  /** A certificate or key that cannot be used, and why. */
  static final class PemException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean certificate;

    PemException(boolean certificate, String message) {
      super(message);
      this.certificate = certificate;
    }

    /** Whether the certificate is at fault (else the key). */
    boolean certificate() {
      return certificate;
    }
  }

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  static KeyStore of(byte[] certificatePem, byte[] keyPem) throws PemException {
    List<X509Certificate> chain = certificates(certificatePem);
    PrivateKey key = privateKey(keyPem);
    checkPair(chain.get(0), key);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("berth", key, PASSWORD, chain.toArray(Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new PemException(false, "cannot hold the key: " + e.getMessage());
    }
  }

  private static List<X509Certificate> certificates(byte[] pem) throws PemException {
    try {
      List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem)).stream()
          .map(c -> (X509Certificate) c).toList();
      if (chain.isEmpty()) {
        throw new PemException(true, "no certificate in it (expected BEGIN CERTIFICATE)");
      }
      return chain;
    } catch (CertificateException e) {
      throw new PemException(true, "not a PEM certificate: " + e.getMessage());
    }
  }

  private static PrivateKey privateKey(byte[] pem) throws PemException {
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      String type = m.group(1);
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(2));
      } catch (IllegalArgumentException e) {
        throw new PemException(false, "its " + type + " block is not base64");
      }
      switch (type) {
        case "PRIVATE KEY":
          return pkcs8(der);
        case "RSA PRIVATE KEY":
          return pkcs8(rsaPkcs1ToPkcs8(der));
        case "ENCRYPTED PRIVATE KEY":
          throw new PemException(false, "the key is encrypted; Berth needs it unencrypted"
              + " (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
        case "EC PRIVATE KEY":
          throw new PemException(false, "an EC key in SEC1 form; convert it to PKCS#8"
              + " (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
        default:
          // A certificate or parameters block beside the key: look further.
      }
    }
    throw new PemException(false, "no private key in it (expected BEGIN PRIVATE KEY or"
        + " BEGIN RSA PRIVATE KEY)");
  }

  private static PrivateKey pkcs8(byte[] der) throws PemException {
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS", "DSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisOne) {
        // Try the next algorithm.
      }
    }
    throw new PemException(false, "not a private key Berth can read (RSA, EC or Ed25519)");
  }

  /** PKCS#1's RSAPrivateKey inside PKCS#8's PrivateKeyInfo (rsaEncryption, NULL parameters). */
  private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(algorithm);
    body.writeBytes(der(0x04, pkcs1));
    return der(0x30, body.toByteArray());
  }

  private static byte[] der(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  /** Signs with the key and verifies with the certificate: they must be one pair. */
  private static void checkPair(X509Certificate certificate, PrivateKey key) throws PemException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "DSA" -> "SHA256withDSA";
      default -> null;
    };
    if (algorithm == null) {
      return;
    }
    try {
      byte[] probe = "berth".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(certificate.getPublicKey());
      verify.update(probe);
      if (verify.verify(sign.sign())) {
        return;
      }
    } catch (GeneralSecurityException e) {
      // A key of another algorithm than the certificate's: not its key.
    }
    throw new PemException(false, "not the key of the certificate "
        + certificate.getSubjectX500Principal().getName());
  }
}
