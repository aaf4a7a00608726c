package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.proxy.UpstreamOptions;
import dev.berth.registry.servlet.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy.* keys from distribution's config.yml and Berth's own file, as {@link ProxyOptions};
 * each problem named by its key path, and no password ever shown.
 */
class ProxySettingsTest {

  @TempDir
  Path work;

  Configuration load(Map<String, String> env, String... args) throws Exception {
    return Configuration.load(Cli.parse(args), env);
  }

  Path file(String name, String... lines) throws IOException {
    return Files.writeString(work.resolve(name), String.join("\n", lines) + "\n");
  }

  static List<String> read(Configuration c, ProxyOptions[] out) {
    List<Settings.Problem> problems = new ArrayList<>(c.problems);
    out[0] = ProxySettings.read(c.settings, problems);
    return problems.stream().map(Settings.Problem::toString).toList();
  }

  @Test
  void distributionsProxySectionIsOneUpstreamForEveryRepository() throws Exception {
    Path config = file("config.yml", "version: 0.1", "storage: {inmemory: {}}", "proxy:",
        "  remoteurl: https://registry-1.docker.io/", "  username: hubuser",
        "  password: s3cret-pw", "  ttl: 1.5h");
    Configuration c = load(Map.of(), config.toString());
    assertEquals("https://registry-1.docker.io", c.settings.get("proxy.remoteUrl"));
    assertEquals("90m", c.settings.get("proxy.ttl"));
    ProxyOptions[] proxy = new ProxyOptions[1];
    assertEquals(List.of(), read(c, proxy));
    assertEquals(List.of(new UpstreamOptions(URI.create("https://registry-1.docker.io"), null,
        "hubuser", "s3cret-pw", null, Duration.ofMinutes(90))), proxy[0].upstreams());
    assertFalse(proxy[0].acceptPushes());
    String changed = String.join(", ", c.settings.changed(Command.SERVE::applies));
    assertTrue(changed.contains("proxy.password=*** (" + config + ": proxy.password)"), changed);
    assertFalse(changed.contains("s3cret"), changed);

    Configuration env = load(Map.of("REGISTRY_PROXY_REMOTEURL", "http://127.0.0.1:5001"));
    assertEquals(List.of(), read(env, proxy));
    assertEquals(Duration.ofHours(24), proxy[0].upstreams().get(0).ttl());
  }

  @Test
  void berthsUpstreamsListWithPrefixesCredentialsAndLimits() throws Exception {
    Path config = file("berth.yml", "storage: {path: memory}", "proxy:", "  upstreams:",
        "    - url: https://registry-1.docker.io", "      prefix: docker.io",
        "      username: u", "      password: hub-secret", "      ttl: 30m",
        "    - {url: 'http://127.0.0.1:5001'}", "  acceptPushes: true", "  maxAge: 720h",
        "  maxBytes: 50GiB");
    Configuration c = load(Map.of(), "--config", config.toString());
    ProxyOptions[] proxy = new ProxyOptions[1];
    assertEquals(List.of(), read(c, proxy));
    assertEquals(2, proxy[0].upstreams().size());
    UpstreamOptions hub = proxy[0].upstreams().get(0);
    assertEquals("docker.io", hub.prefix());
    assertEquals("hub-secret", hub.password());
    assertEquals(Duration.ofMinutes(30), hub.ttl());
    assertNull(proxy[0].upstreams().get(1).prefix());
    assertTrue(proxy[0].acceptPushes());
    assertEquals(Duration.ofHours(720), proxy[0].policy().maxAge());
    assertEquals(50L << 30, proxy[0].policy().maxBytes());
    assertShownWithoutSecret(c, "\"password\":\"***\"", "hub-secret");
  }

  /** The start-up summary shows {@code shown} and never {@code secret}. */
  static void assertShownWithoutSecret(Configuration c, String shown, String secret) {
    String changed = String.join(", ", c.settings.changed(Command.SERVE::applies));
    assertTrue(changed.contains(shown), changed);
    assertFalse(changed.contains(secret), changed);
  }

  @Test
  void eachBadMemberIsNamedByItsKeyPath() throws Exception {
    Path config = file("bad.yml", "proxy:", "  upstreams:",
        "    - {url: 'https://a.example', ttl: soon, colour: red}",
        "    - {prefix: b, password: secret-b}",
        "    - {url: 'ftp://c.example', prefix: c, ca: " + work.resolve("none.pem") + "}");
    Configuration c = load(Map.of(), "--config", config.toString());
    ProxyOptions[] proxy = new ProxyOptions[1];
    List<String> problems = read(c, proxy);
    assertNull(proxy[0]);
    String from = " (from " + config + ": proxy.upstreams): ";
    assertEquals(List.of("proxy.upstreams[0].colour" + from
            + "unknown; an upstream has url, prefix, username, password, ca, ttl",
        "proxy.upstreams[0].ttl = 'soon'" + from + "not a duration (use e.g. 30m, 24h, 7d)",
        "proxy.upstreams[1].url" + from + "required",
        "proxy.upstreams[1].password" + from + "give both username and password, or neither",
        "proxy.upstreams[2].url = 'ftp://c.example'" + from
            + "not an http:// or https:// URL of a host (and port) without a path",
        "proxy.upstreams[2].ca = '" + work.resolve("none.pem") + "'" + from
            + "cannot read it: no such file"), problems.stream().map(p -> p.replaceAll(
                "cannot read it: .*", "cannot read it: no such file")).toList());
    assertFalse(problems.toString().contains("secret-b"), problems.toString());
  }

  @Test
  void conflictingOrOrphanSettingsAreRefused() throws Exception {
    ProxyOptions[] proxy = new ProxyOptions[1];
    assertEquals(List.of("proxy.upstreams = '[{\"url\":\"http://a.example\"}]' (from"
        + " --proxy-upstreams): give proxy.remoteUrl (one upstream) or proxy.upstreams, not"
        + " both"), read(load(Map.of(), "--proxy-remote-url=http://b.example",
        "--proxy-upstreams=[{\"url\":\"http://a.example\"}]"), proxy));
    assertEquals(List.of("proxy.upstreams (from --proxy-upstreams): only one upstream may go"
        + " without a prefix: [UpstreamOptions[http://a.example, ttl PT24H],"
        + " UpstreamOptions[http://b.example, ttl PT24H]]"), read(load(Map.of(),
        "--proxy-upstreams=[{\"url\":\"http://a.example\"},{\"url\":\"http://b.example\"}]"),
        proxy).stream().map(p -> p.replaceAll(" = '.*?' \\(", " (")).toList());
    assertEquals(List.of("proxy.password = '***' (from --proxy-password): give both"
        + " proxy.username and proxy.password, or neither"), read(load(Map.of(),
        "--proxy-remote-url=http://b.example", "--proxy-password=hidden"), proxy));
    assertEquals(List.of("proxy.maxAge = '1h' (from --proxy-max-age): needs proxy.remoteUrl or"
        + " proxy.upstreams"), read(load(Map.of(), "--proxy-max-age=1h"), proxy));
    assertEquals(List.of("proxy.upstreams = '{\"url\":\"x\"}' (from --proxy-upstreams):"
        + " expected a list of maps (in YAML), or their JSON array"),
        problems(load(Map.of(), "--proxy-upstreams={\"url\":\"x\"}")));
    assertEquals(List.of("proxy.maxBytes = '5 apples' (from --proxy-max-bytes): not a size"
        + " (bytes, or e.g. 512MiB, 50GiB)"), problems(load(Map.of(),
        "--proxy-max-bytes=5 apples")));
  }

  static List<String> problems(Configuration c) {
    return c.problems.stream().map(Settings.Problem::toString).toList();
  }
}
