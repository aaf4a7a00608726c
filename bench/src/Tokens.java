import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Bearer tokens as an external token server mints them for distribution's {@code auth.token}:
 * an ES256 JWS whose {@code x5c} header holds the signing certificate, which is also the root
 * bundle both registries trust. Made with the JDK alone (the engine has no other dependency):
 * {@code SHA256withECDSAinP1363Format} gives the raw {@code r || s} signature JWS wants (RFC 7518
 * 3.4), not DER.
 */
final class Tokens {
  private Tokens() {}

  /** A P-256 key and its self-signed certificate, made by {@code openssl}. */
  record Signer(PrivateKey key, X509Certificate cert, Path certificate) {
    static Signer generate(Path dir) throws Exception {
      Path keyFile = dir.resolve("token-signer.key");
      Path certFile = dir.resolve("token-ca.pem");
      Processes.ExecResult r = Processes.exec(List.of("openssl", "req", "-x509", "-newkey", "ec",
          "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile.toString(), "-out",
          certFile.toString(), "-days", "30", "-subj", "/CN=berth bench token signer"), null);
      Util.check(r.code() == 0, "openssl req: " + r.output());
      // openssl 3 writes the key as PKCS #8 ("BEGIN PRIVATE KEY").
      String pem = Files.readString(keyFile);
      Util.check(pem.contains("BEGIN PRIVATE KEY"), "not a PKCS #8 key: " + keyFile);
      byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(certFile)));
      return new Signer(key, cert, certFile);
    }

    /** A token granting {@code pull} on one repository, from a minute ago for {@code life}. */
    String token(String audience, String issuer, String repository, Duration life)
        throws Exception {
      return token("\"x5c\":[\"" + Base64.getEncoder().encodeToString(cert.getEncoded())
          + "\"]", audience, issuer, repository, life);
    }

    /**
     * The same grant, its key named by {@code kid}: the libtrust key id of the certificate's
     * key, which registry:2 and Berth both find in the root bundle. Token servers written for
     * registry 2.x (Harbor, docker_auth, GitLab) mint this form; the token is about half as long
     * as one carrying its certificate in {@code x5c}.
     */
    String tokenWithKeyId(String audience, String issuer, String repository, Duration life)
        throws Exception {
      return token("\"kid\":\"" + libtrustKeyId() + "\"", audience, issuer, repository, life);
    }

    /** SHA-256 of the DER SubjectPublicKeyInfo, 240 bits in base32, groups of four. */
    String libtrustKeyId() throws Exception {
      byte[] sum = java.security.MessageDigest.getInstance("SHA-256")
          .digest(cert.getPublicKey().getEncoded());
      String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
      StringBuilder b32 = new StringBuilder();
      for (int bit = 0; bit < 240; bit += 5) {
        int value = 0;
        for (int i = 0; i < 5; i++) {
          int b = bit + i;
          value = value << 1 | (sum[b / 8] >> (7 - b % 8) & 1);
        }
        b32.append(alphabet.charAt(value));
      }
      StringBuilder id = new StringBuilder();
      for (int i = 0; i < b32.length(); i += 4) {
        id.append(i == 0 ? "" : ":").append(b32, i, i + 4);
      }
      return id.toString();
    }

    private String token(String keyHeader, String audience, String issuer, String repository,
        Duration life) throws Exception {
      long now = Instant.now().getEpochSecond();
      String header = "{\"typ\":\"JWT\",\"alg\":\"ES256\"," + keyHeader + "}";
      String claims = "{\"iss\":\"" + issuer + "\",\"sub\":\"bench\",\"aud\":\"" + audience
          + "\",\"exp\":" + (now + life.toSeconds()) + ",\"nbf\":" + (now - 60) + ",\"iat\":"
          + now + ",\"jti\":\"bench-" + now + "\",\"access\":[{\"type\":\"repository\",\"name\":\""
          + repository + "\",\"actions\":[\"pull\"]}]}";
      String input = b64(header) + "." + b64(claims);
      Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(s.sign());
    }
  }

  static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
