package dev.berth.registry.auth.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificates made by the JDK's keytool (a real CA tool, no hand-made DER): a root CA, an
 * intermediate CA it signed, a leaf the intermediate signed, a leaf that expired, and a rogue
 * CA with its own leaf. Made once per test JVM (keytool takes about a second per call).
 */
public final class TestPki {

  private static final String PASS = "changeit";
  private static TestPki instance;

  public final X509Certificate root;
  public final X509Certificate intermediate;
  public final X509Certificate leaf;
  public final PrivateKey leafKey;
  public final X509Certificate expiredLeaf;
  public final PrivateKey expiredLeafKey;
  public final X509Certificate rogueRoot;
  public final X509Certificate rogueLeaf;
  public final PrivateKey rogueLeafKey;
  public final X509Certificate selfSigned;
  public final PrivateKey selfSignedKey;

  private TestPki(Path dir) throws Exception {
    Path ks = dir.resolve("pki.p12");
    genkey(ks, "root", "CN=Berth test root", "bc:c");
    genkey(ks, "inter", "CN=Berth test intermediate", "bc:c");
    genkey(ks, "leaf", "CN=Berth test token signer", null);
    genkey(ks, "expired", "CN=Berth expired signer", null);
    genkey(ks, "rogue", "CN=Rogue root", "bc:c");
    genkey(ks, "rogueleaf", "CN=Rogue signer", null);
    genkey(ks, "self", "CN=Berth self-signed signer", null);
    intermediate = sign(ks, dir, "root", "inter", "bc:c", null);
    leaf = sign(ks, dir, "inter", "leaf", null, null);
    expiredLeaf = sign(ks, dir, "inter", "expired", null, "-3d");
    rogueLeaf = sign(ks, dir, "rogue", "rogueleaf", null, null);
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, PASS.toCharArray());
    }
    root = (X509Certificate) store.getCertificate("root");
    rogueRoot = (X509Certificate) store.getCertificate("rogue");
    selfSigned = (X509Certificate) store.getCertificate("self");
    leafKey = (PrivateKey) store.getKey("leaf", PASS.toCharArray());
    expiredLeafKey = (PrivateKey) store.getKey("expired", PASS.toCharArray());
    rogueLeafKey = (PrivateKey) store.getKey("rogueleaf", PASS.toCharArray());
    selfSignedKey = (PrivateKey) store.getKey("self", PASS.toCharArray());
  }

  public static synchronized TestPki get() {
    if (instance == null) {
      try {
        Path dir = Files.createTempDirectory("berth-pki");
        instance = new TestPki(dir);
      } catch (Exception e) {
        throw new IllegalStateException("could not make the test PKI with keytool", e);
      }
    }
    return instance;
  }

  /** PEM text of certificates, as a root bundle file holds them. */
  public static String pem(X509Certificate... certs) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate cert : certs) {
      try {
        out.append("-----BEGIN CERTIFICATE-----\n")
            .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(cert.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return out.toString();
  }

  private static String keytool() {
    return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
  }

  private static void genkey(Path ks, String alias, String dname, String ext) {
    List<String> cmd = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", alias,
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-validity", "3650",
        "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PASS, "-keypass", PASS));
    if (ext != null) {
      cmd.addAll(List.of("-ext", ext));
    }
    Programs.run(cmd);
  }

  private static X509Certificate sign(Path ks, Path dir, String issuer, String subject,
      String ext, String start) throws IOException {
    Path req = dir.resolve(subject + ".csr");
    Programs.run(List.of(keytool(), "-certreq", "-alias", subject, "-file", req.toString(),
        "-keystore", ks.toString(), "-storepass", PASS));
    List<String> cmd = new ArrayList<>(List.of(keytool(), "-gencert", "-rfc", "-alias", issuer,
        "-infile", req.toString(), "-keystore", ks.toString(), "-storepass", PASS));
    if (ext != null) {
      cmd.addAll(List.of("-ext", ext));
    }
    if (start != null) {
      cmd.addAll(List.of("-startdate", start, "-validity", "1"));
    } else {
      cmd.addAll(List.of("-validity", "3650"));
    }
    return parse(Programs.run(cmd));
  }

  private static X509Certificate parse(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new UncheckedIOException(new IOException("keytool wrote no certificate: " + pem, e));
    }
  }
}
