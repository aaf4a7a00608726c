package dev.berth.registry.auth.seam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.auth.Permission;
import dev.berth.registry.auth.testing.AuthClient;
import dev.berth.registry.auth.testing.AuthTestServer;
import dev.berth.registry.auth.testing.LogCapture;
import dev.berth.registry.auth.testing.Roles;
import dev.berth.registry.auth.testing.StorageSnapshot;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11's table: every route × {anonymous, reader, writer, deleter, admin, a user of another
 * repository} × {htpasswd, tokens from the built-in token server}, each row on a fresh registry
 * seeded with {@link Seed}, each request sent as a client sends it ({@link AuthClient}: Basic on
 * every request, or the token dance). A row expects the route's 2xx, or the refusal of its mode:
 * 401 with {@code Basic realm} for an anonymous caller and 403 {@code DENIED} for a user
 * (htpasswd); 401 with the exact Bearer challenge, then {@code insufficient_scope} with the
 * token, or 403 {@code DENIED} where the token has the scope and the policy refuses (moving a
 * tag without {@code update}). A refusal stores nothing: the storage is compared before and
 * after. What the roles hold is written down in {@link Roles}, not derived from the policy.
 */
class AccessTableTest {

  static final String SERVICE = "registry.test";
  static final String REALM = "Berth test";

  @TempDir
  static Path dir;
  static AuthTestServer server;
  static AuthSetup basic;
  static AuthSetup tokens;
  static LogCapture logs;
  static RegistryClient http;

  @BeforeAll
  static void start() throws Exception {
    logs = LogCapture.start();
    Path users = Roles.writeHtpasswd(dir);
    Path policy = Roles.writePolicy(dir, Roles.POLICY);
    Clock clock = Clock.systemUTC();
    basic = AuthSetup.build(AuthConfig.htpasswd(REALM, users).withPolicy(policy), clock);
    tokens = AuthSetup.build(AuthConfig.tokenServer(TokenServerConfig.builder(SERVICE, users)
        .basicRealm(REALM).build()).withPolicy(policy), clock);
    server = AuthTestServer.start(tokens);
    http = new RegistryClient(server.url());
  }

  @AfterAll
  static void stopAndLookForLeaks() throws Exception {
    server.close();
    logs.close();
    assertTrue(logs.lines().size() > 0, "the refusals were logged at debug level");
    assertTrue(AuthClient.TOKENS.size() > 100, "tokens were issued: " + AuthClient.TOKENS.size());
    Leaks.assertNone(logs.lines(), AuthClient.ANSWERS, AuthClient.TOKENS);
  }

  /** One request of the table and what it needs on {@code team/*}. */
  record Op(String name, String method, java.util.function.Function<Seed, String> path,
      java.util.function.Function<Seed, byte[]> body, List<String> headers,
      java.util.Set<Permission> needs, String scope, Success success) {}

  /** The 2xx of an allowed row (a mount's 201 or 202 depends on who asks and how). */
  interface Success {
    int status(Roles role, boolean token);
  }

  static Success always(int status) {
    return (role, token) -> status;
  }

  record Row(Op op, Roles role, boolean token) {
    @Override
    public String toString() {
      return (token ? "token" : "htpasswd") + " " + role + " " + op.name;
    }
  }

  static final java.util.Set<Permission> R = java.util.EnumSet.of(Permission.READ);
  static final java.util.Set<Permission> RC = java.util.EnumSet.of(Permission.READ,
      Permission.CREATE);
  static final java.util.Set<Permission> RCU = java.util.EnumSet.of(Permission.READ,
      Permission.CREATE, Permission.UPDATE);
  static final java.util.Set<Permission> D = java.util.EnumSet.of(Permission.DELETE);
  static final java.util.Set<Permission> NONE = java.util.EnumSet.noneOf(Permission.class);

  static final String PULL = "repository:team/app:pull";
  static final String PUSH = "repository:team/app:pull,push";
  static final String DELETE = "repository:team/app:delete";
  static final List<String> MANIFEST = List.of("Content-Type", MediaTypes.OCI_MANIFEST);
  static final List<String> OCTETS = List.of("Content-Type", "application/octet-stream");

  static List<Op> ops() {
    List<Op> ops = new ArrayList<>();
    ops.add(new Op("GET /v2/", "GET", s -> "/v2/", s -> null, List.of(), NONE, null,
        always(200)));
    ops.add(new Op("GET catalog", "GET", s -> "/v2/_catalog", s -> null, List.of(), NONE,
        "registry:catalog:*", always(200)));
    ops.add(read("GET tags", "GET", s -> "/v2/team/app/tags/list"));
    ops.add(read("HEAD manifest by tag", "HEAD", s -> "/v2/team/app/manifests/v1"));
    ops.add(read("GET manifest by tag", "GET", s -> "/v2/team/app/manifests/v1"));
    ops.add(read("GET manifest by digest", "GET", s -> "/v2/team/app/manifests/" + s.m1()));
    ops.add(new Op("PUT manifest, new tag", "PUT", s -> "/v2/team/app/manifests/v2",
        Seed::m2Bytes, MANIFEST, RC, PUSH, always(201)));
    ops.add(new Op("PUT manifest, tag already on it", "PUT", s -> "/v2/team/app/manifests/v1",
        Seed::m1Bytes, MANIFEST, RC, PUSH, always(201)));
    ops.add(new Op("PUT manifest, moving a tag", "PUT", s -> "/v2/team/app/manifests/v1",
        Seed::m2Bytes, MANIFEST, RCU, PUSH, always(201)));
    ops.add(new Op("DELETE tag", "DELETE", s -> "/v2/team/app/manifests/old", s -> null,
        List.of(), D, DELETE, always(202)));
    ops.add(new Op("DELETE manifest by digest", "DELETE",
        s -> "/v2/team/app/manifests/" + s.referrer(), s -> null, List.of(), D, DELETE,
        always(202)));
    ops.add(read("HEAD blob", "HEAD", s -> "/v2/team/app/blobs/" + s.layer()));
    ops.add(read("GET blob", "GET", s -> "/v2/team/app/blobs/" + s.layer()));
    ops.add(new Op("DELETE blob", "DELETE", s -> "/v2/team/app/blobs/" + s.layer(),
        s -> null, List.of(), D, DELETE, always(202)));
    ops.add(new Op("POST upload session", "POST", s -> "/v2/team/app/blobs/uploads/",
        s -> null, List.of(), RC, PUSH, always(202)));
    ops.add(new Op("POST monolithic upload", "POST", s -> "/v2/team/app/blobs/uploads/?digest="
        + dev.berth.registry.oci.Digest.sha256(s.newBlob()), Seed::newBlob, OCTETS, RC, PUSH,
        always(201)));
    ops.add(read("GET upload status", "GET", Seed::session));
    ops.add(new Op("PATCH upload chunk", "PATCH", Seed::session, Seed::newBlob, OCTETS, RC, PUSH,
        always(202)));
    ops.add(new Op("PUT upload, closing", "PUT", Seed::sessionClosing, Seed::newBlob, OCTETS, RC,
        PUSH, always(201)));
    ops.add(new Op("DELETE upload session", "DELETE", Seed::session, s -> null, List.of(), D,
        DELETE, always(204)));
    ops.add(new Op("POST mount from team/app", "POST",
        s -> "/v2/team/copy/blobs/uploads/?mount=" + s.layer() + "&from=team/app", s -> null,
        List.of(), RC, "repository:team/copy:pull,push repository:team/app:pull", always(201)));
    ops.add(new Op("POST mount from secret/app", "POST",
        s -> "/v2/team/copy/blobs/uploads/?mount=" + s.secretLayer() + "&from=secret/app",
        s -> null, List.of(), RC, "repository:team/copy:pull,push repository:secret/app:pull",
        (role, token) -> role.readsSecret() ? 201 : 202));
    // Without from, the registry looks among the repositories the caller may pull; a token
    // grants only what its scopes named (team/copy here), so it finds nothing there.
    ops.add(new Op("POST mount without from, team layer", "POST",
        s -> "/v2/team/copy/blobs/uploads/?mount=" + s.layer(), s -> null, List.of(), RC,
        "repository:team/copy:pull,push", (role, token) -> token ? 202 : 201));
    ops.add(new Op("POST mount without from, secret layer", "POST",
        s -> "/v2/team/copy/blobs/uploads/?mount=" + s.secretLayer(), s -> null, List.of(), RC,
        "repository:team/copy:pull,push", (role, token) -> !token && role.readsSecret()
            ? 201 : 202));
    ops.add(read("GET referrers", "GET", s -> "/v2/team/app/referrers/" + s.m1()));
    ops.add(read("GET ORAS referrers", "GET",
        s -> "/oras/artifacts/v1/team/app/manifests/" + s.m1() + "/referrers"));
    ops.add(read("GET ORAS manifest", "GET",
        s -> "/oras/artifacts/v1/team/app/manifests/" + s.referrer()));
    return ops;
  }

  private static Op read(String name, String method, java.util.function.Function<Seed, String>
      path) {
    return new Op(name, method, path, s -> null, List.of(), R, PULL,
        always(method.equals("GET") && name.contains("upload") ? 204 : 200));
  }

  static Stream<Row> rows() {
    List<Row> rows = new ArrayList<>();
    for (boolean token : new boolean[] {false, true}) {
      for (Roles role : Roles.values()) {
        for (Op op : ops()) {
          rows.add(new Row(op, role, token));
        }
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void row(Row row) {
    try (Registry registry = Registry.builder().inMemory().build()) {
      check(row, registry);
    }
  }

  private void check(Row row, Registry registry) {
    server.serve(registry, AccessController.ALLOW_ALL);
    Seed seed = Seed.push(http);
    server.serve(registry, (row.token ? tokens : basic).accessController());
    StorageSnapshot before = StorageSnapshot.of(registry.storage());
    Op op = row.op;

    AuthClient.Outcome out = new AuthClient(http, row.role, row.token).send(op.method,
        op.path.apply(seed), op.body.apply(seed), op.headers.toArray(String[]::new));

    if (row.token) {
      assertEquals(401, out.first().status(), () -> "first answer: " + out.first());
      assertEquals(bearer(op.scope, null), out.first().header("WWW-Authenticate"));
    }
    Expectation expected = Expectation.of(row);
    switch (expected) {
      case OK -> {
        int status = op.success.status(row.role, row.token);
        assertEquals(status, out.status(), () -> "answer: " + out.last());
        assertNull(out.last().header("WWW-Authenticate"));
        if (op.name.startsWith("GET catalog")) {
          assertEquals(Catalogs.expected(row.role), Catalogs.listed(out.last()));
        }
        if (status == 202 && op.name.startsWith("POST mount")) {
          Mounts.assertNothingMounted(server, registry, op.path.apply(seed));
        }
      }
      case CHALLENGE -> {
        assertRefused(out.last(), 401, "UNAUTHORIZED", op.method);
        assertEquals(row.token ? bearer(op.scope, "insufficient_scope")
            : "Basic realm=\"" + REALM + "\"", out.last().header("WWW-Authenticate"));
      }
      case DENIED -> {
        assertRefused(out.last(), 403, "DENIED", op.method);
        assertNull(out.last().header("WWW-Authenticate"));
      }
    }
    if (expected != Expectation.OK) {
      assertEquals(before, StorageSnapshot.of(registry.storage()), "nothing stored on refusal");
    }
  }

  /** What a row must answer. */
  enum Expectation {
    OK, CHALLENGE, DENIED;

    static Expectation of(Row row) {
      Op op = row.op;
      if (op.name.equals("GET /v2/")) {
        return row.role.anonymous() && !row.token ? CHALLENGE : OK;
      }
      if (op.name.equals("GET catalog")) {
        return OK;
      }
      if (row.role.onTeam.containsAll(op.needs)) {
        return OK;
      }
      if (!row.token) {
        return row.role.anonymous() ? CHALLENGE : DENIED;
      }
      // The token server grants push for `create`; `update` is the policy's own question.
      java.util.Set<Permission> scoped = java.util.EnumSet.noneOf(Permission.class);
      scoped.addAll(op.needs);
      scoped.remove(Permission.UPDATE);
      return row.role.onTeam.containsAll(scoped) ? DENIED : CHALLENGE;
    }
  }

  static String bearer(String scope, String error) {
    return "Bearer realm=\"" + server.origin() + "/auth/token\",service=\"" + SERVICE + "\""
        + (scope == null ? "" : ",scope=\"" + scope + "\"")
        + (error == null ? "" : ",error=\"" + error + "\"");
  }

  private static void assertRefused(Response r, int status, String code, String method) {
    assertEquals(status, r.status(), r::toString);
    if (!method.equals("HEAD")) {
      assertEquals(List.of(code), r.errorCodes(), r::toString);
    }
  }
}
