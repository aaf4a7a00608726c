package dev.berth.registry.auth.seam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.access.Access;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.access.AccessDenied;
import dev.berth.registry.access.AccessRequest;
import dev.berth.registry.access.Caller;
import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.auth.testing.Roles;
import dev.berth.registry.auth.token.TokenAuthConfig;
import dev.berth.registry.oci.RepositoryName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building the pieces from an {@link AuthConfig}: what phase 3's launcher will call. */
class AuthSetupTest {

  static final RepositoryName APP = RepositoryName.parse("team/app");

  @TempDir
  Path dir;

  @Test
  void noneIsTheOpenRegistry() {
    AuthSetup none = AuthSetup.build(AuthConfig.none(), Clock.systemUTC());

    assertSame(AccessController.ALLOW_ALL, none.accessController());
    assertTrue(none.isOpen());
    assertEquals(Optional.empty(), none.tokenEndpoint());
  }

  @Test
  void aPolicyWithoutAnAuthenticationModeIsRefused() throws Exception {
    Path policy = Roles.writePolicy(dir, Roles.POLICY);

    AuthConfigException e = assertThrows(AuthConfigException.class,
        () -> AuthSetup.build(AuthConfig.none().withPolicy(policy), Clock.systemUTC()));
    assertTrue(e.getMessage().contains("authentication mode"), e::getMessage);
  }

  @Test
  void missingFilesAreNamedAtStart() {
    Path missing = dir.resolve("nope.htpasswd");

    AuthConfigException e = assertThrows(AuthConfigException.class,
        () -> AuthSetup.build(AuthConfig.htpasswd("Berth", missing), Clock.systemUTC()));
    assertTrue(e.getMessage().contains(missing.toString()), e::getMessage);
  }

  @Test
  void theTokenServerPathStaysOutOfTheApi() throws Exception {
    Path users = Roles.writeHtpasswd(dir);
    for (String path : List.of("/v2/token", "/v2", "auth/token", "/auth/*")) {
      assertThrows(AuthConfigException.class, () -> TokenServerConfig.builder("svc", users)
          .path(path).build(), path);
    }
  }

  /** The key is made at first start (owner-only) and kept: tokens survive a restart. */
  @Test
  void theTokenServerKeepsItsKey() throws Exception {
    Path users = Roles.writeHtpasswd(dir);
    Path key = dir.resolve("keys").resolve("issuer.pem");
    Files.createDirectories(key.getParent());
    TokenServerConfig config = TokenServerConfig.builder("svc", users).key(key).build();

    AuthSetup first = AuthSetup.build(AuthConfig.tokenServer(config), Clock.systemUTC());
    String pem = Files.readString(key);
    AuthSetup second = AuthSetup.build(AuthConfig.tokenServer(config), Clock.systemUTC());

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    assertEquals(pem, Files.readString(key));
    assertTrue(first.tokenEndpoint().isPresent());
    assertEquals("/auth/token", second.tokenEndpoint().get().path());
    assertFalse(second.summary().contains("PRIVATE"), second::summary);
  }

  @Test
  void theSummaryNamesTheModeAndFilesOnly() throws Exception {
    Path users = Roles.writeHtpasswd(dir);
    Path policy = Roles.writePolicy(dir, Roles.POLICY);
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, "{\"keys\":[]}");
    byte[] secret = "0123456789abcdef0123456789abcdef-secret".getBytes();

    String basic = AuthSetup.build(AuthConfig.htpasswd("Berth", users).withPolicy(policy),
        Clock.systemUTC()).summary();
    String external = AuthSetup.build(AuthConfig.token(TokenAuthConfig.builder()
        .realm("https://auth.example/token").service("svc").issuer("iss").jwks(jwks)
        .hmacSecret(secret).build()), Clock.systemUTC()).summary();

    assertTrue(basic.contains(users.toString()) && basic.contains(policy.toString()), basic);
    assertTrue(external.contains("https://auth.example/token"), external);
    assertFalse(external.contains("secret"), external);
    for (Roles r : Roles.values()) {
      assertFalse(r.password != null && basic.contains(r.password), basic);
    }
  }

  /** Without a policy, external tokens decide alone, and a catalog grant lists everything. */
  @Test
  void externalTokensWithoutAPolicy() throws Exception {
    Path jwks = dir.resolve("jwks.json");
    Files.writeString(jwks, "{\"keys\":[]}");
    AccessController tokens = AuthSetup.build(AuthConfig.token(TokenAuthConfig.builder()
        .realm("https://auth.example/token").service("svc").issuer("iss").jwks(jwks)
        .hmacSecret(new byte[32]).build()), Clock.systemUTC()).accessController();
    Caller anonymous = Caller.anonymous("127.0.0.1");

    AccessDenied refused = assertThrows(AccessDenied.class, () -> tokens.authorize(
        AccessRequest.of(anonymous, List.of(Access.catalog()))));

    assertEquals(Optional.of("Bearer realm=\"https://auth.example/token\",service=\"svc\","
        + "scope=\"registry:catalog:*\""), refused.challenge());
  }

  /** Scopes of a challenge: actions merged per repository, in the order asked. */
  @Test
  void challengeScopesMergePerRepository() {
    RepositoryName base = RepositoryName.parse("base/img");

    List<Scope> scopes = AccessVocabulary.scopes(List.of(Access.pull(APP), Access.push(APP),
        Access.moveTag(APP), Access.pull(base), Access.catalog()));

    assertEquals("registry:catalog:* repository:team/app:pull,push repository:base/img:pull",
        Scope.join(scopes));
  }
}
