package dev.berth.registry.auth.token;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.JWSAlgorithm;
import dev.berth.registry.auth.AuthConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in token server's ES256 signing key: a P-256 key pair in one PEM file, a
 * {@code PRIVATE KEY} block (PKCS#8, unencrypted) and its {@code PUBLIC KEY} or its
 * {@code CERTIFICATE} chain (leaf first; then tokens carry {@code x5c}, which registry 2.x and 3
 * verify against a root bundle). The key id is the RFC 7638 thumbprint of the public key.
 *
 * <p>{@link #loadOrCreate} generates the file at first start (owner read/write only, 0600,
 * written to a temporary file and moved into place) and reuses it after, refusing it if group or
 * others may read it.
 */
public final class IssuerKey {

  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private final ECPrivateKey privateKey;
  private final ECPublicKey publicKey;
  private final List<X509Certificate> chain;
  private final String kid;

  private IssuerKey(ECPrivateKey privateKey, ECPublicKey publicKey, List<X509Certificate> chain) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.chain = List.copyOf(chain);
    this.kid = KeyIds.thumbprint(publicKey);
  }

  /** Reads a configured key file. */
  public static IssuerKey load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new AuthConfigException("token issuer key " + file + ": cannot read: "
          + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Reads the key at {@code file}, or makes one there (0600) if there is none. */
  public static IssuerKey loadOrCreate(Path file) {
    if (Files.exists(file)) {
      requireOwnerOnly(file);
      return load(file);
    }
    IssuerKey key = generate();
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
      Path tmp = posix ? Files.createTempFile(dir, ".issuer-key", ".tmp",
          PosixFilePermissions.asFileAttribute(OWNER_ONLY))
          : Files.createTempFile(dir, ".issuer-key", ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(key.toPem().getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      try {
        Files.move(tmp, file);
      } catch (FileAlreadyExistsException raced) {
        // Another process made it first: use that one.
        Files.deleteIfExists(tmp);
        return load(file);
      }
    } catch (IOException e) {
      throw new AuthConfigException("token issuer key " + file + ": cannot write: "
          + e.getMessage(), e);
    }
    return key;
  }

  /** A new P-256 key, kept only in memory. */
  public static IssuerKey generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      var pair = g.generateKeyPair();
      return new IssuerKey((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic(),
          List.of());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make P-256 keys", e);
    }
  }

  static IssuerKey parse(String text, String source) {
    String where = "token issuer key " + source + ": ";
    ECPrivateKey priv = null;
    ECPublicKey pub = null;
    List<X509Certificate> chain = new ArrayList<>();
    Matcher m = PEM.matcher(text);
    try {
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        switch (m.group(1)) {
          case "PRIVATE KEY" -> priv = (ECPrivateKey) KeyFactory.getInstance("EC")
              .generatePrivate(new PKCS8EncodedKeySpec(der));
          case "PUBLIC KEY" -> pub = (ECPublicKey) KeyFactory.getInstance("EC")
              .generatePublic(new X509EncodedKeySpec(der));
          case "CERTIFICATE" -> chain.add((X509Certificate) CertificateFactory
              .getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)));
          case "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" -> throw new AuthConfigException(where
              + "a " + m.group(1) + " block; convert it to an unencrypted PKCS#8 PRIVATE KEY"
              + " with: openssl pkcs8 -topk8 -nocrypt");
          default -> { }
        }
      }
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new AuthConfigException(where + "not an EC key or certificate: " + e.getMessage(), e);
    }
    if (priv == null) {
      throw new AuthConfigException(where + "no PRIVATE KEY block");
    }
    if (pub == null && !chain.isEmpty()) {
      PublicKey leafKey = chain.get(0).getPublicKey();
      if (!(leafKey instanceof ECPublicKey ec)) {
        throw new AuthConfigException(where + "the certificate does not hold an EC key");
      }
      pub = ec;
    }
    if (pub == null) {
      throw new AuthConfigException(where + "no PUBLIC KEY or CERTIFICATE block beside the"
          + " private key (add one with: openssl pkey -in key.pem -pubout >> key.pem)");
    }
    if (!KeyIds.curveName(pub).equals("P-256")) {
      throw new AuthConfigException(where + "ES256 needs a P-256 key, not "
          + KeyIds.curveName(pub));
    }
    IssuerKey key = new IssuerKey(priv, pub, chain);
    key.requirePair(where);
    return key;
  }

  private void requirePair(String where) {
    try {
      byte[] probe = "berth issuer key check".getBytes(StandardCharsets.US_ASCII);
      Signature s = Signature.getInstance("SHA256withECDSA");
      s.initSign(privateKey);
      s.update(probe);
      byte[] sig = s.sign();
      s.initVerify(publicKey);
      s.update(probe);
      if (!s.verify(sig)) {
        throw new AuthConfigException(where + "the public key or certificate does not belong"
            + " to the private key");
      }
    } catch (GeneralSecurityException e) {
      throw new AuthConfigException(where + "the key cannot sign: " + e.getMessage(), e);
    }
  }

  private static void requireOwnerOnly(Path file) {
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
          throw new AuthConfigException("token issuer key " + file + " may be read or written by"
              + " others (" + PosixFilePermissions.toString(perms) + "); chmod 600 it");
        }
      }
    } catch (IOException e) {
      throw new AuthConfigException("token issuer key " + file + ": " + e.getMessage(), e);
    }
  }

  String toPem() {
    return block("PRIVATE KEY", privateKey.getEncoded()) + block("PUBLIC KEY",
        publicKey.getEncoded());
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64,
        new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
  }

  ECPrivateKey privateKey() {
    return privateKey;
  }

  public ECPublicKey publicKey() {
    return publicKey;
  }

  /** The certificate chain given with the key, leaf first; empty for a bare key. */
  public List<X509Certificate> chain() {
    return chain;
  }

  /** The {@code kid} tokens carry: the RFC 7638 thumbprint of the public key. */
  public String kid() {
    return kid;
  }

  /** The public key as a JWKS document, for a verifier's {@code jwks} file. */
  public String publicJwks() {
    return new JWKSet(new ECKey.Builder(Curve.P_256, publicKey).keyID(kid).keyUse(KeyUse.SIGNATURE)
        .algorithm(JWSAlgorithm.ES256).build()).toString();
  }

  @Override
  public String toString() {
    return "IssuerKey[ES256, kid=" + kid + "]";
  }
}
