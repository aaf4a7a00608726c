package dev.berth.registry.auth.seam;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.auth.basic.BasicCredentials;
import dev.berth.registry.auth.testing.AuthClient;
import dev.berth.registry.auth.testing.AuthTestServer;
import dev.berth.registry.auth.testing.LogCapture;
import dev.berth.registry.auth.testing.Roles;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.TestClock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API root and the life of credentials over time, with htpasswd and with the built-in token
 * server: what anonymous callers see at {@code /v2/}, anonymous pulls, tokens that expire, and
 * edits of the htpasswd and policy files that take effect without a restart (or fail closed).
 */
class TokenServerFlowTest {

  static final String SERVICE = "registry.test";
  static final String REALM = "Berth test";

  @TempDir
  Path dir;
  final TestClock clock = TestClock.atSystemTime();
  Path users;
  Path policy;
  AuthSetup basic;
  AuthSetup tokens;
  AuthTestServer server;
  RegistryClient http;
  Registry registry;

  @BeforeEach
  void start() throws Exception {
    users = Roles.writeHtpasswd(dir);
    policy = Roles.writePolicy(dir, Roles.POLICY);
    basic = AuthSetup.build(AuthConfig.htpasswd(REALM, users).withPolicy(policy), clock);
    tokens = AuthSetup.build(AuthConfig.tokenServer(TokenServerConfig.builder(SERVICE, users)
        .basicRealm(REALM).key(dir.resolve("issuer.pem")).build()).withPolicy(policy), clock);
    server = AuthTestServer.start(tokens);
    http = new RegistryClient(server.url());
    registry = Registry.builder().inMemory().clock(clock).build();
    server.serve(registry, AccessController.ALLOW_ALL);
    http.pushSmallImage("team/app", "v1", "team");
    http.pushSmallImage("public/lib", "v1", "public");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    registry.close();
  }

  AuthClient client(Roles role, boolean token) {
    return new AuthClient(http, role, token);
  }

  /**
   * Callers without credentials are challenged at {@code /v2/} even when they may pull public
   * repositories, so that clients learn how to log in before they push (Docker and
   * containers/image read challenges from that ping only).
   */
  @Test
  void theApiRootChallengesCallersWithoutCredentials() {
    server.serve(registry, basic.accessController());
    Response basicRoot = http.get("/v2/");
    assertErrors(basicRoot, 401, "UNAUTHORIZED");
    assertEquals("Basic realm=\"" + REALM + "\"", basicRoot.header("WWW-Authenticate"));
    assertEquals(200, client(Roles.READER, false).send("GET", "/v2/", null).status());
    assertEquals(200, http.get("/v2/public/lib/manifests/v1").status(),
        "anonymous pull needs no credentials with htpasswd");

    server.serve(registry, tokens.accessController());
    AuthClient.Outcome anonymous = client(Roles.ANONYMOUS, true).send("GET", "/v2/", null);
    assertEquals("Bearer realm=\"" + server.origin() + "/auth/token\",service=\"" + SERVICE
        + "\"", anonymous.first().header("WWW-Authenticate"));
    assertEquals(200, anonymous.status(), "an anonymous token opens the API root");
    AuthClient.Outcome pull = client(Roles.ANONYMOUS, true).send("GET",
        "/v2/public/lib/manifests/v1", null);
    assertEquals(200, pull.status(), pull.last()::toString);
  }

  @Test
  void withoutAnonymousAccessTheTokenServerAsksForCredentials() throws Exception {
    Files.writeString(policy, Roles.POLICY.replace("anonymousPolicy: [read]",
        "defaultPolicy: [read]"));
    clock.advance(Duration.ofSeconds(2));
    server.serve(registry, tokens.accessController());

    AuthClient.Outcome anonymous = client(Roles.ANONYMOUS, true).send("GET", "/v2/", null);
    AuthClient.Outcome reader = client(Roles.READER, true).send("GET",
        "/v2/public/lib/manifests/v1", null);

    assertEquals(401, anonymous.status());
    assertEquals("Basic realm=\"" + REALM + "\"", anonymous.last().header("WWW-Authenticate"));
    assertEquals(200, reader.status(), reader.last()::toString);
  }

  @Test
  void anExpiredTokenIsRefusedAndANewOneWorks() {
    server.serve(registry, tokens.accessController());
    AuthClient.Outcome first = client(Roles.READER, true).send("GET", "/v2/team/app/tags/list",
        null);
    assertEquals(200, first.status());

    clock.advance(Duration.ofMinutes(5).plusSeconds(61));
    Response stale = http.get("/v2/team/app/tags/list", "Authorization", "Bearer "
        + first.token());

    assertEquals(401, stale.status());
    assertEquals("Bearer realm=\"" + server.origin() + "/auth/token\",service=\"" + SERVICE
        + "\",scope=\"repository:team/app:pull\",error=\"invalid_token\"",
        stale.header("WWW-Authenticate"));
    assertEquals(200, client(Roles.READER, true).send("GET", "/v2/team/app/tags/list", null)
        .status());
  }

  /** The registry asks the policy per request: a removed user loses access before its token ends. */
  @Test
  void aPolicyEditTakesEffectBeforeTheTokenExpires() throws Exception {
    server.serve(registry, tokens.accessController());
    byte[] manifest = RegistryClient.smallManifest(Digest.EMPTY_JSON, 2, "walt", null, null);
    AuthClient.Outcome push = client(Roles.WRITER, true).send("PUT",
        "/v2/team/app/manifests/w1", manifest, "Content-Type", MediaTypes.OCI_MANIFEST);
    assertEquals(201, push.status(), push.last()::toString);

    Files.writeString(policy, Roles.POLICY.replace("- users: [walt]", "- users: [nobody]"));
    clock.advance(Duration.ofSeconds(2));
    Response again = http.put("/v2/team/app/manifests/w2", manifest, "Content-Type",
        MediaTypes.OCI_MANIFEST, "Authorization", "Bearer " + push.token());

    assertErrors(again, 403, "DENIED");
  }

  @Test
  void aUserRemovedFromHtpasswdIsRefusedAtOnce() throws Exception {
    server.serve(registry, basic.accessController());
    AuthClient rita = client(Roles.READER, false);
    assertEquals(200, rita.send("GET", "/v2/team/app/tags/list", null).status());

    Files.writeString(users, Files.readAllLines(users).stream()
        .filter(l -> !l.startsWith("rita:")).reduce("", (a, b) -> a + b + "\n"));
    clock.advance(Duration.ofSeconds(2));
    AuthClient.Outcome after = rita.send("GET", "/v2/team/app/tags/list", null);

    assertErrors(after.last(), 401, "UNAUTHORIZED");
    assertEquals("Basic realm=\"" + REALM + "\"", after.last().header("WWW-Authenticate"));
  }

  /** A broken policy file fails closed: a server error naming nothing, the file in the log. */
  @Test
  void aBrokenPolicyFailsClosedUntilFixed() throws Exception {
    server.serve(registry, basic.accessController());
    try (LogCapture logs = LogCapture.start()) {
      Files.writeString(policy, Roles.POLICY.replace("actions: [read]", "actions: [write]"));
      clock.advance(Duration.ofSeconds(2));
      Response broken = client(Roles.READER, false).send("GET", "/v2/team/app/tags/list", null)
          .last();

      assertErrors(broken, 500, "UNKNOWN");
      assertTrue(broken.errorMessage().contains("cannot decide"), broken::toString);
      assertTrue(logs.lines().stream().anyMatch(l -> l.contains(policy.toString())
          && l.contains("write")), () -> String.join("\n", logs.lines()));
    }
    Files.writeString(policy, Roles.POLICY);
    clock.advance(Duration.ofSeconds(2));
    assertEquals(200, client(Roles.READER, false).send("GET", "/v2/team/app/tags/list", null)
        .status());
  }

  /** containerd's and podman's OAuth2 form gets a token the registry accepts. */
  @Test
  void theOauth2PostFlowGivesATokenTheRegistryAccepts() {
    server.serve(registry, tokens.accessController());
    String form = "grant_type=password&service=" + SERVICE + "&client_id=test&username=walt"
        + "&password=" + URLEncoder.encode(Roles.WRITER.password, StandardCharsets.UTF_8)
        + "&scope=" + URLEncoder.encode("repository:team/app:pull,push", StandardCharsets.UTF_8);
    Response answer = http.post("/auth/token", form.getBytes(StandardCharsets.UTF_8),
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(200, answer.status(), answer::toString);
    String token = JsonParser.parseString(answer.text()).getAsJsonObject().get("access_token")
        .getAsString();

    Response start = http.post("/v2/team/app/blobs/uploads/", null, "Authorization",
        "Bearer " + token);

    assertEquals(202, start.status(), start::toString);
  }

  @Test
  void aConfiguredRealmIsTheOneChallengesName() {
    AuthSetup fixed = AuthSetup.build(AuthConfig.tokenServer(TokenServerConfig.builder(SERVICE,
        users).realm("https://registry.example/auth/token").build()).withPolicy(policy), clock);
    server.serve(registry, fixed.accessController());

    assertEquals("Bearer realm=\"https://registry.example/auth/token\",service=\"" + SERVICE
        + "\",scope=\"repository:team/app:pull\"", http.get("/v2/team/app/tags/list")
        .header("WWW-Authenticate"));
  }

  @Test
  void wrongPasswordsGetNoToken() {
    Response r = http.get("/auth/token?service=" + SERVICE, "Authorization",
        BasicCredentials.of("rita", "wrong").toHeader());

    assertEquals(401, r.status());
    assertEquals("Basic realm=\"" + REALM + "\"", r.header("WWW-Authenticate"));
  }
}
