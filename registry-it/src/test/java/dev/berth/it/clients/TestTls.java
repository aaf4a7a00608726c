package dev.berth.it.clients;

import dev.berth.it.support.Programs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made by openssl for one test class, as an operator would make them: a CA (EC
 * P-256); a server certificate it signed, RSA 2048, for 127.0.0.1 and localhost; a self-signed EC
 * server certificate; a client certificate for {@code CN=alice} the CA signed. Keys in PKCS#8 PEM
 * (what {@code openssl req -nodes} writes). Cert dirs in the form containers/image reads
 * ({@code --cert-dir}: {@code *.crt} CAs, {@code *.cert} + {@code *.key} a client pair).
 */
final class TestTls {
  final Path dir;
  final Path ca;
  final Path rsaCertificate;
  final Path rsaKey;
  final Path ecCertificate;
  final Path ecKey;
  final Path clientCertificate;
  final Path clientKey;

  private TestTls(Path dir) {
    this.dir = dir;
    ca = dir.resolve("ca.pem");
    rsaCertificate = dir.resolve("rsa.pem");
    rsaKey = dir.resolve("rsa.key");
    ecCertificate = dir.resolve("ec.pem");
    ecKey = dir.resolve("ec.key");
    clientCertificate = dir.resolve("alice.pem");
    clientKey = dir.resolve("alice.key");
  }

  static TestTls make(Path dir) throws IOException {
    Programs.require("openssl");
    Files.createDirectories(dir);
    TestTls t = new TestTls(dir);
    String san = "subjectAltName=IP:127.0.0.1,DNS:localhost";
    Path serverExt = Files.writeString(dir.resolve("server.ext"), san + "\n");
    Path clientExt = Files.writeString(dir.resolve("client.ext"),
        "extendedKeyUsage=clientAuth\n");
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=berth-it-ca");
    openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key", "-out", "rsa.csr",
        "-subj", "/CN=localhost");
    openssl(dir, "x509", "-req", "-in", "rsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "rsa.pem", "-days", "2", "-extfile", serverExt.toString());
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "ec.key", "-out", "ec.pem", "-days", "2", "-subj", "/CN=localhost",
        "-addext", san);
    openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", "alice.key", "-out", "alice.csr", "-subj", "/O=Berth tests/CN=alice");
    openssl(dir, "x509", "-req", "-in", "alice.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "alice.pem", "-days", "2", "-extfile",
        clientExt.toString());
    return t;
  }

  private static void openssl(Path dir, String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Programs.check(dir, null, Duration.ofMinutes(1), command);
  }

  /** A containers/image cert dir trusting {@code trusted}, with Alice's pair when asked. */
  Path certDir(String name, Path trusted, boolean withClient) throws IOException {
    Path d = Files.createDirectories(dir.resolve("certs-" + name));
    Files.copy(trusted, d.resolve("ca.crt"));
    if (withClient) {
      Files.copy(clientCertificate, d.resolve("client.cert"));
      Files.copy(clientKey, d.resolve("client.key"));
    }
    return d;
  }

  /** A TLS context for java.net.http trusting {@code trusted}, presenting Alice's certificate. */
  SSLContext context(Path trusted, boolean withClient) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(trusted)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    TrustManagerFactory tm = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tm.init(trust);
    KeyManagerFactory km = null;
    if (withClient) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      Certificate cert;
      try (InputStream in = Files.newInputStream(clientCertificate)) {
        cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      keys.setKeyEntry("alice", privateKey(clientKey), new char[0], new Certificate[] {cert});
      km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      km.init(keys, new char[0]);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(km == null ? null : km.getKeyManagers(), tm.getTrustManagers(), null);
    return context;
  }

  private static PrivateKey privateKey(Path pem) throws Exception {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
        Base64.getDecoder().decode(body)));
  }
}
