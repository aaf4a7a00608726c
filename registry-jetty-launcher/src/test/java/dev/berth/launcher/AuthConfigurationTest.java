package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.auth.basic.HtpasswdWriter;
import dev.berth.registry.auth.seam.AuthSetup;
import dev.berth.registry.servlet.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auth.* keys: from Berth's YAML and flags and from distribution's {@code auth:} section,
 * checked together before anything is read (key, value, source, reason), then their files read
 * at start into registry-auth's setup, every unusable one a problem naming its key.
 */
class AuthConfigurationTest {

  @TempDir
  Path work;

  Configuration load(Map<String, String> env, String... args) throws Exception {
    return Configuration.load(Cli.parse(args), env);
  }

  Path file(String name, String... lines) throws IOException {
    return Files.writeString(work.resolve(name), String.join("\n", lines) + "\n");
  }

  Path htpasswd() {
    return HtpasswdWriter.write(work.resolve("htpasswd"), Map.of("alice", "secret"));
  }

  static List<String> problems(Configuration c) {
    return ConfigurationTest.problems(c);
  }

  static List<String> started(Settings settings) {
    List<Settings.Problem> problems = new ArrayList<>();
    AuthStart.setup(settings, false, problems);
    return problems.stream().map(Settings.Problem::toString).toList();
  }

  @Test
  void berthYamlSetsHtpasswdPolicyAndAnonymousPull() throws Exception {
    Path users = htpasswd();
    Path policy = file("policy.yaml", "repositories:", "  '**':",
        "    anonymousPolicy: [read]", "    defaultPolicy: [read, create]");
    Path yml = file("berth.yml", "auth:", "  htpasswd:", "    path: " + users,
        "    realm: Private", "  policy: " + policy, "  anonymousPull: true");
    Configuration c = load(Map.of(), "--config", yml.toString());
    assertEquals(List.of(), problems(c));
    assertEquals(List.of(), c.warnings);
    List<Settings.Problem> none = new ArrayList<>();
    AuthSetup setup = AuthStart.setup(c.settings, false, none);
    assertEquals(List.of(), none);
    assertFalse(setup.isOpen());
    assertTrue(setup.summary().contains("htpasswd " + users), setup.summary());
    assertTrue(setup.summary().contains("anonymous pull"), setup.summary());
  }

  @Test
  void distributionsAuthSectionIsTranslated() throws Exception {
    Path bundle = file("root.pem", "not read before start");
    Path config = file("config.yml", "version: 0.1", "storage: {inmemory: {}}", "auth:",
        "  token:", "    realm: https://auth.example.com/token", "    service: registry.example",
        "    issuer: example-issuer", "    rootcertbundle: " + bundle,
        "    autoredirect: false");
    Configuration c = load(Map.of(), "serve", config.toString());
    assertEquals(List.of(), problems(c));
    assertEquals("https://auth.example.com/token", c.settings.get("auth.token.realm"));
    assertEquals("registry.example", c.settings.get("auth.token.service"));
    assertEquals("example-issuer", c.settings.get("auth.token.issuer"));
    assertEquals(bundle.toString(), c.settings.get("auth.token.rootcertbundle"));
    assertEquals(config + ": auth.token.rootcertbundle", c.settings.source(
        "auth.token.rootcertbundle"));
    assertTrue(c.warnings.get(0).contains("auth.token.autoredirect"), c.warnings::toString);
    // The bundle is not PEM: refused at start, naming the key.
    List<String> atStart = started(c.settings);
    assertEquals(1, atStart.size(), atStart::toString);
    assertTrue(atStart.get(0).startsWith("auth.token.rootcertbundle = '" + bundle + "' (from "
        + config + ": auth.token.rootcertbundle): "), atStart::toString);
  }

  @Test
  void distributionsHtpasswdFromTheEnvironment() throws Exception {
    Path users = htpasswd();
    Path config = file("config.yml", "version: 0.1", "storage: {inmemory: {}}",
        "http: {tls: {clientcas: [/a.pem, /b.pem]}, http2: {disabled: true}}");
    Configuration c = load(Map.of("REGISTRY_AUTH_HTPASSWD_PATH", users.toString(),
        "REGISTRY_AUTH_HTPASSWD_REALM", "env-realm"), "serve", config.toString());
    assertEquals("env-realm", c.settings.get("auth.htpasswd.realm"));
    assertEquals("REGISTRY_AUTH_HTPASSWD_PATH", c.settings.source("auth.htpasswd.path"));
    assertEquals("/a.pem,/b.pem", c.settings.get("http.tls.clientCas"));
    assertEquals("false", c.settings.get("http.tls.http2"));
    assertEquals(List.of("http.tls.clientCas = '/a.pem,/b.pem' (from " + config
        + ": http.tls.clientcas): client certificates need HTTPS: set http.tls.certificate and"
        + " http.tls.key"), problems(c));
  }

  @Test
  void sillyAuthIsRefused() throws Exception {
    Path config = file("config.yml", "version: 0.1", "storage: {inmemory: {}}",
        "auth: {silly: {realm: x, service: y}}");
    List<String> p = problems(load(Map.of(), "serve", config.toString()));
    assertEquals(1, p.size(), p::toString);
    assertTrue(p.get(0).startsWith("auth.silly (from " + config + ": auth.silly): silly"),
        p::toString);
  }

  @Test
  void combinationsAreCheckedBeforeAnyFileIsRead() throws Exception {
    assertEquals(List.of("auth.token.service = '' (from default): token authentication needs"
        + " auth.token.realm, auth.token.service and auth.token.issuer",
        "auth.token.issuer = '' (from default): token authentication needs auth.token.realm,"
            + " auth.token.service and auth.token.issuer",
        "auth.token.rootcertbundle = '' (from default): token authentication needs the keys"
            + " tokens are signed with: auth.token.rootcertbundle or auth.token.jwks"),
        problems(load(Map.of(), "--token-realm=https://a.example/token")));
    assertEquals(List.of("auth.tokenServer.enabled = 'true' (from --token-server): the token"
        + " server needs its users: set auth.htpasswd.path"),
        problems(load(Map.of(), "--token-server")));
    assertEquals(List.of("auth.policy = '/p.yaml' (from --auth-policy): a policy needs users: set"
        + " auth.htpasswd.path, auth.token.* or http.tls.clientCas"),
        problems(load(Map.of(), "--auth-policy=/p.yaml")));
    assertEquals(List.of("auth.anonymousPull = 'true' (from BERTH_AUTH_ANONYMOUS_PULL): without"
        + " authentication everyone may pull (and push) already; set auth.htpasswd.path to make"
        + " pushing need a user"),
        problems(load(Map.of("BERTH_AUTH_ANONYMOUS_PULL", "true"))));
    assertEquals(List.of("auth.tokenServer.realm = 'https://x.example/t' (from"
        + " --token-server-realm): applies only with auth.tokenServer.enabled=true"),
        problems(load(Map.of(), "--htpasswd=/h", "--token-server-realm=https://x.example/t")));
    assertEquals(List.of("auth.tokenServer.realm = 'nope' (from --token-server-realm): not an"
        + " absolute http:// or https:// URL"),
        problems(load(Map.of(), "--token-server-realm=nope")));
    assertEquals(List.of("auth.htpasswd.path = '/h' (from --htpasswd): an external token server"
        + " (auth.token.*) decides who is who; choose it or htpasswd"),
        problems(load(Map.of(), "--htpasswd=/h", "--token-realm=https://a.example/t",
            "--token-service=s", "--token-issuer=i", "--token-jwks=/j")));
  }

  @Test
  void unusableFilesAreProblemsAtStart() throws Exception {
    Path md5 = file("md5.htpasswd", "bob:$apr1$abc$0123456789012345678901");
    Configuration c = load(Map.of(), "--htpasswd=" + md5, "--auth-policy=" + work.resolve("no"));
    assertEquals(List.of(), problems(c));
    assertEquals(List.of("auth.policy = '" + work.resolve("no") + "' (from --auth-policy): no"
        + " such file"), started(c.settings));
    Configuration folder = load(Map.of(), "--htpasswd=" + work);
    assertEquals(List.of("auth.htpasswd.path = '" + work + "' (from --htpasswd): not a file"),
        started(folder.settings));
    List<String> kinds = started(load(Map.of(), "--htpasswd=" + md5).settings);
    assertEquals(1, kinds.size(), kinds::toString);
    assertTrue(kinds.get(0).startsWith("auth.htpasswd.path = '" + md5 + "' (from --htpasswd): "),
        kinds::toString);
    assertTrue(kinds.get(0).contains("line 1"), kinds::toString);
    assertFalse(kinds.get(0).contains("$apr1$abc"), "a hash is a secret too");
  }

  @Test
  void noAuthIsOpenAndTheTokenServerNeedsNothingElse() throws Exception {
    List<Settings.Problem> none = new ArrayList<>();
    assertTrue(AuthStart.setup(load(Map.of()).settings, false, none).isOpen());
    Configuration c = load(Map.of(), "--htpasswd=" + htpasswd(), "--token-server",
        "--token-server-key=" + work.resolve("token.key"));
    assertEquals(List.of(), problems(c));
    AuthSetup setup = AuthStart.setup(c.settings, false, none);
    assertEquals(List.of(), none);
    assertEquals("/auth/token", setup.tokenEndpoint().orElseThrow().path());
    assertTrue(Files.exists(work.resolve("token.key")), "the key is made at first start");
    assertNull(AuthStart.setup(load(Map.of(), "--htpasswd=" + work.resolve("absent")).settings,
        false, none));
  }
}
