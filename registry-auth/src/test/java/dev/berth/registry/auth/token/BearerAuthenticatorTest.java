package dev.berth.registry.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import dev.berth.registry.auth.Authentication;
import dev.berth.registry.auth.ChallengeError;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Permission;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.auth.testing.Jwts;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BearerAuthenticatorTest {

  static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
  final TestClock clock = TestClock.atSystemTime();
  final BearerAuthenticator auth = BearerAuthenticator.create(TokenAuthConfig.builder()
      .realm("https://auth.test/token").service("registry.test").issuer("iss")
      .hmacSecret(SECRET).build(), clock);
  final TokenGrantAuthorizer grants = TokenGrantAuthorizer.instance();

  String token(Object access) throws Exception {
    return Jwts.sign(new JWSHeader.Builder(JWSAlgorithm.HS256).build(),
        Jwts.claims("iss", "registry.test", clock.instant()).claim("access", access).build(),
        new MACSigner(SECRET));
  }

  @Test
  void aValidTokenIsItsSubjectWithItsGrants() throws Exception {
    String t = token(List.of(Jwts.access("repository", "a/b", "pull", "push"),
        Jwts.access("registry", "catalog", "*")));
    for (String scheme : List.of("Bearer ", "bearer ", "BEARER  ")) {
      Identity who = assertInstanceOf(Authentication.Authenticated.class,
          auth.authenticate(Optional.of(scheme + t))).identity();
      assertEquals(Optional.of("alice"), who.name());
      RepositoryName ab = RepositoryName.parse("a/b");
      assertTrue(grants.allows(who, ab, Permission.READ));
      assertTrue(grants.allows(who, ab, Permission.CREATE));
      assertTrue(grants.allows(who, ab, Permission.UPDATE));
      assertFalse(grants.allows(who, ab, Permission.DELETE));
      assertFalse(grants.allows(who, RepositoryName.parse("a/b/c"), Permission.READ));
      assertTrue(grants.allowsCatalog(who));
    }
  }

  @Test
  void noTokenOrAnotherSchemeIsAnonymousWithoutGrants() {
    for (Optional<String> header : List.of(Optional.<String>empty(), Optional.of("Basic YTpi"),
        Optional.of("Bearer "))) {
      Identity who = assertInstanceOf(Authentication.Authenticated.class,
          auth.authenticate(header)).identity();
      assertEquals(Identity.anonymous(), who);
      assertFalse(grants.allows(who, RepositoryName.parse("a/b"), Permission.READ));
      assertFalse(grants.allowsCatalog(who));
    }
  }

  @Test
  void aBadTokenIsRefusedAsInvalidToken() {
    Authentication.Refused r = assertInstanceOf(Authentication.Refused.class,
        auth.authenticate(Optional.of("Bearer not.a.token")));
    assertEquals(ChallengeError.INVALID_TOKEN, r.error());
    assertEquals("Bearer realm=\"https://auth.test/token\",service=\"registry.test\","
        + "scope=\"repository:a/b:pull\",error=\"invalid_token\"",
        auth.challenge(List.of(Scope.repository("a/b", "pull")), r.error()));
  }
}
