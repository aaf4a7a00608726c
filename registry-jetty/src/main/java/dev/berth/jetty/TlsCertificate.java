package dev.berth.jetty;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate Berth serves HTTPS with, made on the spot for a test: self-signed, EC P-256,
 * valid from a day ago for a year, for {@code localhost}, {@code 127.0.0.1} and {@code ::1}
 * (subject alternative names: Go's clients ignore the CN). A test hands its clients what they
 * need to trust it: an {@link #sslContext()} for {@code java.net.http}, or the {@link #pem()}
 * (written by {@link #writeCertDir} as {@code ca.crt}, the form skopeo's and podman's
 * {@code --cert-dir} read).
 */
public final class TlsCertificate {

  /** The password of {@link #keyStore()} (an in-memory store; the key never leaves the JVM). */
  static final char[] PASSWORD = "berth".toCharArray();

  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

  private final X509Certificate certificate;
  private final PrivateKey key;

  private TlsCertificate(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new self-signed certificate for localhost, 127.0.0.1 and ::1. */
  public static TlsCertificate selfSigned() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
      byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"),
          Der.utf8("localhost"))));
      ZonedDateTime now = ZonedDateTime.now();
      byte[] tbs = Der.sequence(
          Der.tagged(0, true, Der.integer(BigInteger.TWO)),
          Der.integer(new BigInteger(64, new SecureRandom()).add(BigInteger.ONE)),
          algorithm, name,
          Der.sequence(Der.time(now.minusDays(1)), Der.time(now.plusYears(1))),
          name, pair.getPublic().getEncoded(),
          Der.tagged(3, true, Der.sequence(alternativeNames(), constraints())));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(pair.getPrivate());
      signer.update(tbs);
      byte[] der = Der.sequence(tbs, algorithm, Der.bits(signer.sign()));
      X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      certificate.verify(pair.getPublic());
      return new TlsCertificate(certificate, pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make an EC P-256 certificate", e);
    }
  }

  private static byte[] alternativeNames() {
    List<byte[]> names = new ArrayList<>();
    names.add(Der.tagged(2, false, "localhost".getBytes(StandardCharsets.US_ASCII)));
    try {
      names.add(Der.tagged(7, false, InetAddress.getByName("127.0.0.1").getAddress()));
      names.add(Der.tagged(7, false, InetAddress.getByName("::1").getAddress()));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return Der.sequence(Der.oid("2.5.29.17"), Der.octets(Der.sequence(names.toArray(
        byte[][]::new))));
  }

  /** cA TRUE, as {@code openssl req -x509} marks a self-signed certificate: it is its own root. */
  private static byte[] constraints() {
    return Der.sequence(Der.oid("2.5.29.19"), Der.bool(true), Der.octets(Der.sequence(
        Der.bool(true))));
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The certificate in PEM, what a client's trust store (or {@code --cert-dir}) takes. */
  public String pem() {
    try {
      return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
          .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes {@code ca.crt} into {@code dir} (created if needed) and returns {@code dir}: pass it as
   * skopeo's {@code --cert-dir} / {@code --src-cert-dir}, or copy it to
   * {@code /etc/containers/certs.d/HOST:PORT/}.
   */
  public Path writeCertDir(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("ca.crt"), pem(), StandardCharsets.US_ASCII);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A trust store holding only this certificate. */
  public KeyStore trustStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("berth", certificate);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A TLS context trusting this certificate only, for {@code HttpClient.newBuilder()}. */
  public SSLContext sslContext() {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trustStore());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server's side: the key and this certificate, under {@link #PASSWORD}. */
  KeyStore keyStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("berth", key, PASSWORD, new Certificate[] {certificate});
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "TlsCertificate[" + certificate.getSubjectX500Principal() + ", until "
        + certificate.getNotAfter().toInstant() + "]";
  }
}
