package dev.berth.registry.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.berth.registry.auth.testing.Jwts;
import dev.berth.registry.testing.TestClock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One signature check per token for a minute; a remembered token still expires on time. */
class VerifiedTokenCacheTest {

  static final byte[] SECRET = "a secret of at least thirty-two bytes!".getBytes();

  final TestClock clock = TestClock.atSystemTime();
  final TokenVerifier verifier = TokenVerifier.create(TokenAuthConfig.builder()
      .realm("https://auth.test/token").service("svc").issuer("iss").hmacSecret(SECRET).build(),
      clock);

  String sign(JWTClaimsSet claims) throws Exception {
    return Jwts.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).build(), claims,
        new MACSigner(SECRET));
  }

  JWTClaimsSet.Builder claims() {
    return Jwts.claims("iss", "svc", clock.instant())
        .claim("access", List.of(Jwts.access("repository", "a/b", "pull")));
  }

  @Test
  void aVerifiedTokenIsRememberedButStillExpires() throws Exception {
    String fresh = sign(claims().build());
    String ending = sign(claims().expirationTime(Date.from(clock.instant().minusSeconds(50)))
        .build());

    verifier.verify(fresh);
    verifier.verify(fresh);
    verifier.verify(ending);
    assertEquals(2, verifier.signatureChecks());
    clock.advance(Duration.ofSeconds(11));

    InvalidTokenException e = assertThrows(InvalidTokenException.class,
        () -> verifier.verify(ending));
    assertTrue(e.getMessage().contains("expired"), e.getMessage());
    assertEquals(2, verifier.signatureChecks(), "refused from the cache, without a check");
    assertThrows(InvalidTokenException.class, () -> verifier.verify(ending));
    assertEquals(3, verifier.signatureChecks(), "a refused token is not remembered");
    clock.advance(Duration.ofSeconds(60));
    verifier.verify(fresh);
    assertEquals(4, verifier.signatureChecks(), "checked again after a minute");
  }

  @Test
  void aTamperedCopyOfARememberedTokenIsCheckedAndRefused() throws Exception {
    String good = sign(claims().build());
    verifier.verify(good);
    String[] parts = good.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + parts[2].substring(1) + "A";

    assertThrows(InvalidTokenException.class, () -> verifier.verify(tampered));
    assertEquals(2, verifier.signatureChecks());
  }
}
