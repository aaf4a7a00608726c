package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.events.NotificationEndpoint;
import dev.berth.registry.servlet.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * notifications.endpoints from distribution's config.yml and from Berth's own file, as
 * {@link NotificationEndpoint}s; each problem named by its key path; header values never shown.
 */
class NotificationSettingsTest {

  @TempDir
  Path work;

  private Configuration load(String... args) throws Exception {
    return Configuration.load(Cli.parse(args), Map.of());
  }

  private Path file(String name, String... lines) throws IOException {
    return Files.writeString(work.resolve(name), String.join("\n", lines) + "\n");
  }

  private static List<String> read(Configuration c, List<List<NotificationEndpoint>> out) {
    List<Settings.Problem> problems = new ArrayList<>(c.problems);
    out.add(NotificationSettings.read(c.settings, problems));
    return problems.stream().map(Settings.Problem::toString).toList();
  }

  @Test
  void distributionsEndpointsWithGoDurationsAndIgnoreSections() throws Exception {
    Path config = file("config.yml", "version: 0.1", "storage: {inmemory: {}}",
        "notifications:",
        "  events: {includereferences: true}",
        "  endpoints:",
        "    - name: alistener",
        "      url: https://listener.example/event",
        "      headers: {Authorization: [Bearer t0ken-value]}",
        "      timeout: 500ms",
        "      threshold: 5",
        "      backoff: 1.5s",
        "      ignoredmediatypes: [application/octet-stream]",
        "      ignore: {mediatypes: [application/vnd.example], actions: [pull]}",
        "    - {name: off, url: 'http://off.example/x', disabled: true}");
    Configuration c = load(config.toString());
    List<List<NotificationEndpoint>> out = new ArrayList<>();
    assertEquals(List.of(), read(c, out));
    NotificationEndpoint e = out.get(0).get(0);
    assertEquals(new NotificationEndpoint("alistener", URI.create("https://listener.example/event"),
        Map.of("Authorization", List.of("Bearer t0ken-value")), Duration.ofMillis(500), 5,
        Duration.ofMillis(1500), Set.of("application/octet-stream", "application/vnd.example"),
        Set.of("pull"), false, false), e);
    assertTrue(out.get(0).get(1).disabled());
    ProxySettingsTest.assertShownWithoutSecret(c, "\"headers\":\"***\"", "t0ken");
  }

  @Test
  void berthsFileTakesTheSameListAndCloudEvents() throws Exception {
    Path config = file("berth.yml", "notifications:", "  endpoints:",
        "    - {name: ce, url: 'http://ce.example/hook', format: cloudevents}");
    List<List<NotificationEndpoint>> out = new ArrayList<>();
    assertEquals(List.of(), read(load("--config", config.toString()), out));
    assertEquals(NotificationEndpoint.of("ce", URI.create("http://ce.example/hook"))
        .withCloudEvents(true), out.get(0).get(0));
  }

  @Test
  void eachBadMemberIsNamedByItsKeyPath() throws Exception {
    Path config = file("bad.yml", "notifications:", "  endpoints:",
        "    - {name: 'a b', url: 'ftp://x', timeout: soon, threshold: 0, colour: red}",
        "    - {url: 'http://b.example/e', ignore: {actions: [push, fetch]}, format: xml,"
            + " disabled: maybe}",
        "    - {name: dup, url: 'http://c.example/e'}",
        "    - {name: dup, url: 'http://d.example/e', headers: {X-Secret: [hidden-value]}}");
    List<List<NotificationEndpoint>> out = new ArrayList<>();
    List<String> problems = read(load("--config", config.toString()), out);
    String from = " (from " + config + ": notifications.endpoints): ";
    String p = "notifications.endpoints";
    assertEquals(List.of(
        p + "[0].colour" + from + "unknown; an endpoint has backoff, disabled, format, headers,"
            + " ignore, ignoredmediatypes, name, threshold, timeout, url",
        p + "[0].name = 'a b'" + from + "letters, digits, '.', '_' and '-' only, at most 64 (it"
            + " names a folder in the storage and a metrics label)",
        p + "[0].url = 'ftp://x'" + from + "not an absolute http:// or https:// URL",
        p + "[0].timeout = 'soon'" + from + "a positive duration (e.g. 500ms, 1s, 2m)",
        p + "[0].threshold = '0'" + from + "a whole number of at least 1",
        p + "[1].name" + from + "required",
        p + "[1].ignore.actions = 'fetch'" + from
            + "not an action; one of push, pull, mount, delete",
        p + "[1].format = 'xml'" + from + "envelope (distribution's, the default) or cloudevents",
        p + "[1].disabled = 'maybe'" + from + "true or false",
        p + "[3].name = 'dup'" + from
            + "two endpoints have this name (it names the endpoint's outbox)"),
        problems.stream().map(s -> s.replaceAll("(not an absolute http:// or https:// URL).*",
            "$1")).toList());
    assertFalse(problems.toString().contains("hidden-value"), problems.toString());
  }
}
