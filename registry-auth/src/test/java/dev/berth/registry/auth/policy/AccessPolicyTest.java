package dev.berth.registry.auth.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.auth.AccessGrants;
import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Permission;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.testing.TestClock;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AccessPolicyTest {

  static String example() throws Exception {
    try (InputStream in = AccessPolicyTest.class.getResourceAsStream("/policy/example.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Identity who(String user) {
    return user.equals("-") ? Identity.anonymous() : Identity.user(user);
  }

  static RepositoryName repo(String name) {
    return RepositoryName.parse(name);
  }

  /** user ("-" anonymous), repository, the permissions expected (r c u d). */
  @ParameterizedTest
  @CsvSource({
      "charlie, app,         rcu",   // ** policy for charlie
      "charlie, infra/web,   r",     // infra/* is longer: only its defaultPolicy
      "jack,    app,         rcu",   // group1 in the ** policy
      "mary,    app,         rcud",
      "alice,   app,         rcud",  // group2
      "alice,   infra/web,   rcud",  // named in infra/*
      "alice,   infra/a/b,   rcud",  // infra/* does not match two levels: back to ** (group2)
      "mallory, infra/web,   rc",
      "mallory, repos2/repo, rc",
      "bob,     repos2/repo, rc",
      "eve,     repos2/repo, r",     // defaultPolicy: any authenticated user
      "eve,     app,         rc",
      "eve,     tmp/x/y,     rcu",
      "eve,     tmp,         rcu",   // tmp/** covers tmp itself
      "admin,   infra/web,   rcud",  // adminPolicy across all
      "admin,   nowhere,     rcud",
      "root,    app,         rcud",  // admins group: ** gives rcu, adminPolicy adds d
      "-,       app,         ''",
      "-,       public/x,    r",
      "eve,     public/x,    r",     // Berth: authenticated users hold anonymousPolicy too
      "-,       infra/web,   ''"})
  void permissionsFollowTheLongestPatternPlusAdmin(String user, String repository,
      String expected) throws Exception {
    AccessPolicy policy = AccessPolicy.parse(example(), "example.yaml");
    Set<Permission> want = expected.chars().mapToObj(c -> switch (c) {
      case 'r' -> Permission.READ;
      case 'c' -> Permission.CREATE;
      case 'u' -> Permission.UPDATE;
      case 'd' -> Permission.DELETE;
      default -> throw new IllegalArgumentException();
    }).collect(Collectors.toCollection(() -> EnumSet.noneOf(Permission.class)));
    assertEquals(want, policy.permissions(who(user), repo(repository)));
  }

  @Test
  void withoutAFileAuthenticatedUsersMayDoEverythingAndAnonymousNothing() {
    AccessPolicy none = AccessPolicy.authenticatedFullAccess();
    assertEquals(EnumSet.allOf(Permission.class), none.permissions(who("x"), repo("a/b")));
    assertEquals(Set.of(), none.permissions(Identity.anonymous(), repo("a/b")));
    assertTrue(none.allowsCatalog(who("x")));
    assertFalse(none.allowsCatalog(Identity.anonymous()));
    assertFalse(none.anonymousMayReadSomething());
  }

  @Test
  void catalogPagesAreFilteredToWhatTheCallerMayRead() throws Exception {
    AccessPolicy policy = AccessPolicy.parse("""
        repositories:
          "team/**": {policies: [{users: [alice], actions: [read]}]}
          "public/**": {anonymousPolicy: [read]}
        """, "p");
    List<RepositoryName> page = List.of(repo("other"), repo("public/a"), repo("team/x"),
        repo("team/y/z"));
    assertEquals(List.of(repo("public/a"), repo("team/x"), repo("team/y/z")),
        policy.readable(who("alice"), page));
    assertEquals(List.of(repo("public/a")), policy.readable(who("bob"), page));
    assertEquals(List.of(repo("public/a")), policy.readable(Identity.anonymous(), page));
    assertTrue(policy.allowsCatalog(Identity.anonymous()));
    assertTrue(policy.anonymousMayReadSomething());
  }

  @Test
  void grantIntersectsRequestedScopesWithThePolicy() throws Exception {
    AccessPolicy policy = AccessPolicy.parse(example(), "example.yaml");
    List<Scope> requested = List.of(Scope.repository("infra/web", "pull", "push", "delete"),
        Scope.repository("repos2/repo", "pull", "push", "delete"),
        Scope.repository("app", "*"), Scope.repository("Not/Valid", "pull"),
        new Scope("repository", "plugin", "tmp/x", List.of("pull")),
        new Scope("other", "", "thing", List.of("pull")), Scope.catalog());
    assertEquals(List.of(Scope.repository("infra/web", "pull", "push"),
        Scope.repository("repos2/repo", "pull", "push"),
        Scope.repository("app", "pull", "push"),
        new Scope("repository", "plugin", "tmp/x", List.of("pull")), Scope.catalog()),
        policy.grant(who("mallory"), requested));
    // Anonymous callers may read public/**, so they may list the (filtered) catalog.
    assertEquals(List.of(Scope.catalog()), policy.grant(Identity.anonymous(), requested));
    assertEquals(List.of(Scope.repository("public/a", "pull")),
        policy.grant(Identity.anonymous(), List.of(Scope.repository("public/a", "pull", "push"))));
  }

  @Test
  void allOfNeedsBoth() throws Exception {
    AccessPolicy policy = AccessPolicy.parse(example(), "example.yaml");
    Authorizer tokenCeiling = new Authorizer() {
      final AccessGrants g = AccessGrants.of(List.of(Scope.repository("app", "pull")));

      @Override
      public boolean allows(Identity who, RepositoryName r, Permission p) {
        return g.allows("repository", r.value(), p.scopeAction());
      }

      @Override
      public boolean allowsCatalog(Identity who) {
        return true;
      }
    };
    Authorizer both = Authorizer.allOf(tokenCeiling, policy);
    assertTrue(both.allows(who("mary"), repo("app"), Permission.READ));
    assertFalse(both.allows(who("mary"), repo("app"), Permission.DELETE));
    assertFalse(both.allows(who("-"), repo("app"), Permission.READ));
  }

  @Test
  void aZotFragmentWrappedInAccessControlReadsTheSame() throws Exception {
    String wrapped = "accessControl:\n" + example().lines().filter(l -> !l.startsWith("#"))
        .map(l -> "  " + l).collect(Collectors.joining("\n"));
    AccessPolicy policy = AccessPolicy.parse(wrapped, "w");
    assertEquals(EnumSet.of(Permission.READ, Permission.CREATE),
        policy.permissions(who("mallory"), repo("infra/web")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "repositories: {\"**\": {defaultPolicy: [write]}}|unknown action \"write\"",
      "repositories: {\"**\": {defaultPolicies: [read]}}|at repositories[\"**\"].defaultPolicies",
      "repositories: {\"**\": {policies: [{users: [a], actions: [read], conditions: []}]}}"
          + "|conditions (zot's CEL expressions) are not supported",
      "repositories: {\"[ab]\": {defaultPolicy: [read]}}|is not supported in a pattern",
      "repositories: {\"**\": {policies: {users: [a]}}}|policies: must be a list",
      "groups: {g: {users: a}}|at groups.g.users: must be a list",
      "http: {}|at http: unknown key",
      "repositories: {\"**\": {defaultPolicy: [read]}, \"**\": {}}|not valid YAML",
      "[]|must be a mapping",
      "  |the file is empty"})
  void badFilesAreRefusedWithWhereAndWhy(String row) {
    String[] parts = row.split("\\|");
    AuthConfigException e = assertThrows(AuthConfigException.class,
        () -> AccessPolicy.parse(parts[0], "policy.yaml"));
    assertTrue(e.getMessage().startsWith("policy file policy.yaml"), e.getMessage());
    assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
  }

  @TempDir
  Path dir;

  @Test
  void aWatchedFileIsReadAgainWhenItChangesAndFailsClosedWhenBroken() throws Exception {
    TestClock clock = TestClock.atSystemTime();
    Path file = dir.resolve("policy.yaml");
    Files.writeString(file, "repositories: {\"**\": {defaultPolicy: [read]}}\n");
    Authorizer policy = AccessPolicy.watch(file, clock);
    assertTrue(policy.allows(who("eve"), repo("a"), Permission.READ));
    assertFalse(policy.allows(who("eve"), repo("a"), Permission.CREATE));
    Files.writeString(file, "repositories: {\"**\": {defaultPolicy: [read, create]}}\n");
    clock.advance(Duration.ofSeconds(2));
    assertTrue(policy.allows(who("eve"), repo("a"), Permission.CREATE));
    Files.writeString(file, "repositories: {\"**\": {defaultPolicy: [read, crate]}}\n");
    clock.advance(Duration.ofSeconds(2));
    assertThrows(AuthConfigException.class,
        () -> policy.allows(who("eve"), repo("a"), Permission.READ));
  }
}
