package dev.berth.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The exact strings distribution sends (registry/auth/token/accesscontroller.go, htpasswd). */
class ChallengesTest {

  static final String REALM = "https://auth.example.com/token";

  @Test
  void bearerAsDistributionWritesIt() {
    assertEquals("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\","
        + "scope=\"repository:samalba/my-app:pull,push\"",
        Challenges.bearer(REALM, "registry.example.com",
            List.of(Scope.repository("samalba/my-app", "pull", "push")), ChallengeError.NONE));
  }

  @Test
  void bearerWithErrors() {
    List<Scope> scopes = List.of(Scope.repository("a/b", "pull"));
    assertEquals("Bearer realm=\"r\",service=\"s\",scope=\"repository:a/b:pull\","
        + "error=\"invalid_token\"", Challenges.bearer("r", "s", scopes,
        ChallengeError.INVALID_TOKEN));
    assertEquals("Bearer realm=\"r\",service=\"s\",scope=\"repository:a/b:pull\","
        + "error=\"insufficient_scope\"", Challenges.bearer("r", "s", scopes,
        ChallengeError.INSUFFICIENT_SCOPE));
  }

  @Test
  void bearerWithoutScopeSeveralScopesAndTheCatalog() {
    assertEquals("Bearer realm=\"r\",service=\"s\"",
        Challenges.bearer("r", "s", List.of(), ChallengeError.NONE));
    assertEquals("Bearer realm=\"r\",service=\"s\",scope=\"repository:a/b:pull,push "
        + "repository:c/d:pull\"", Challenges.bearer("r", "s", List.of(
            Scope.repository("a/b", "pull", "push"), Scope.repository("c/d", "pull")),
        ChallengeError.NONE));
    assertEquals("Bearer realm=\"r\",service=\"s\",scope=\"registry:catalog:*\"",
        Challenges.bearer("r", "s", List.of(Scope.catalog()), ChallengeError.NONE));
    // The class is not part of a challenge's scope.
    assertEquals("Bearer realm=\"r\",service=\"s\",scope=\"repository:a/b:pull\"",
        Challenges.bearer("r", "s", List.of(Scope.parse("repository(plugin):a/b:pull")
            .orElseThrow()), ChallengeError.NONE));
  }

  @Test
  void basicAndQuoting() {
    assertEquals("Basic realm=\"Berth\"", Challenges.basic("Berth"));
    assertEquals("Basic realm=\"a\\\"b\\\\c\"", Challenges.basic("a\"b\\c"));
    assertThrows(AuthConfigException.class, () -> Challenges.requireHeaderSafe("realm", "a\nb"));
    assertThrows(AuthConfigException.class, () -> Challenges.requireHeaderSafe("realm", ""));
  }
}
