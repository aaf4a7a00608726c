package dev.berth.registry.auth.basic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.auth.Authentication;
import dev.berth.registry.auth.ChallengeError;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

class BasicAuthenticatorTest {

  @TempDir
  Path dir;

  private BasicAuthenticator auth;

  @BeforeEach
  void setUp() throws Exception {
    Path file = dir.resolve("htpasswd");
    Files.writeString(file, "alice:" + BCrypt.hashpw("pa:ss", BCrypt.gensalt("$2y", 4)) + "\n");
    auth = BasicAuthenticator.of(HtpasswdStore.open(file, TestClock.atSystemTime()), "Berth \"x\"");
  }

  @Test
  void noHeaderIsAnonymous() {
    Authentication a = auth.authenticate(Optional.empty());
    assertEquals(new Authentication.Authenticated(Identity.anonymous()), a);
  }

  @Test
  void anEmptyUserAndPasswordIsAnonymous() {
    // What containers/image sends to a Basic challenge when it has no credentials.
    assertEquals(new Authentication.Authenticated(Identity.anonymous()),
        auth.authenticate(Optional.of("Basic Og==")));
    assertInstanceOf(Authentication.Refused.class, auth.authenticate(Optional.of(
        BasicCredentials.of("", "x").toHeader())));
  }

  @Test
  void rightPasswordWithAColonIsTheUser() {
    Authentication a = auth.authenticate(
        Optional.of(BasicCredentials.of("alice", "pa:ss").toHeader()));
    assertEquals(new Authentication.Authenticated(Identity.user("alice")), a);
  }

  @Test
  void wrongMalformedOrForeignCredentialsAreRefusedWithoutEchoingThem() {
    for (String header : List.of(BasicCredentials.of("alice", "pa").toHeader(),
        BasicCredentials.of("mallory", "pa:ss").toHeader(), "Basic %%%", "Bearer a.b.c",
        BasicCredentials.of("alice", "x".repeat(5000)).toHeader())) {
      Authentication.Refused r = assertInstanceOf(Authentication.Refused.class,
          auth.authenticate(Optional.of(header)), header);
      assertFalse(r.reason().contains("pa:ss") || r.reason().contains("mallory"), r.reason());
    }
  }

  @Test
  void challengeIsBasicWithTheQuotedRealm() {
    assertEquals("Basic realm=\"Berth \\\"x\\\"\"",
        auth.challenge(List.of(Scope.repository("a/b", "pull")), ChallengeError.NONE));
    assertTrue(auth.users().contains("alice"));
  }
}
