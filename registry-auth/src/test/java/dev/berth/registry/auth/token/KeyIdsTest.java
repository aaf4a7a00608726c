package dev.berth.registry.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class KeyIdsTest {

  static String resource(String name) throws Exception {
    try (InputStream in = KeyIdsTest.class.getResourceAsStream("/keys/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  static PublicKey publicKey(String name, String algorithm) throws Exception {
    String b64 = resource(name).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance(algorithm)
        .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
  }

  static Map<String, String> expected() throws Exception {
    Map<String, String> out = new HashMap<>();
    for (String line : resource("expected-ids.txt").split("\n")) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] f = line.split(" ");
        out.put(f[0] + " " + f[1], f[2]);
      }
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource({"ec-p256.pub, EC", "rsa.pub, RSA"})
  void matchIdsComputedIndependentlyByOpensslAndPython(String file, String alg) throws Exception {
    PublicKey key = publicKey(file, alg);
    assertEquals(expected().get(file + " libtrust"), KeyIds.libtrust(key));
    assertEquals(expected().get(file + " rfc7638"), KeyIds.thumbprint(key));
    assertTrue(KeyIds.all(key).contains(KeyIds.libtrust(key)));
  }

  @Test
  void thumbprintsAgreeWithNimbus() throws Exception {
    for (int i = 0; i < 20; i++) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      ECPublicKey ec = (ECPublicKey) g.generateKeyPair().getPublic();
      assertEquals(new ECKey.Builder(Curve.P_256, ec).build().computeThumbprint().toString(),
          KeyIds.thumbprint(ec));
    }
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    RSAPublicKey r = (RSAPublicKey) rsa.generateKeyPair().getPublic();
    assertEquals(new RSAKey.Builder(r).build().computeThumbprint().toString(),
        KeyIds.thumbprint(r));
  }

  @Test
  void libtrustIdsHaveTwelveGroupsOfFour() throws Exception {
    String id = KeyIds.libtrust(publicKey("ec-p256.pub", "EC"));
    assertTrue(id.matches("[A-Z2-7]{4}(:[A-Z2-7]{4}){11}"), id);
  }
}
