package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * berth.jar started from distribution's config.yml with its {@code proxy} section, as registry:2
 * users write it, in front of a registry:2 started here: skopeo pulls the upstream's bytes through
 * it, and the start-up summary names the settings without the password. A bad
 * {@code proxy.upstreams} entry stops the start with its key path (exit 2).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ProxyLauncherIT {
  static final String PASSWORD = "never-printed-pw";

  @TempDir
  Path work;

  @Test
  void distributionsProxySectionServesTheUpstreamsBytes() throws Exception {
    Programs.require(DockerRegistryProcess.PROGRAM);
    Programs.require("skopeo");
    try (DockerRegistryProcess upstream = DockerRegistryProcess.start(work.resolve("upstream"),
        work.resolve("conf"))) {
      new RegistryClient(upstream.url()).pushFixtureImage("team/app", "1");
      Path config = Files.writeString(work.resolve("config.yml"), String.join("\n",
          "version: 0.1", "storage:", "  filesystem:",
          "    rootdirectory: " + work.resolve("cache"), "http:", "  addr: 127.0.0.1:0",
          "proxy:", "  remoteurl: " + upstream.url(), "  username: puller",
          "  password: " + PASSWORD, "  ttl: 168h", ""));
      try (BerthProcess berth = BerthProcess.launch(List.of(), Map.of(), "serve",
          config.toString())) {
        String out = berth.output();
        assertTrue(out.contains("proxy.password=*** (" + config + ": proxy.password)"), out);
        assertTrue(out.contains("proxy.ttl=7d"), out);
        assertTrue(out.contains("berth: pull-through cache of UpstreamOptions["
            + upstream.url().toString().replaceAll("/$", "") + " as puller, ttl PT168H]"), out);
        assertFalse(out.contains(PASSWORD), out);

        String up = upstream.url().getAuthority();
        Skopeo skopeo = new Skopeo(work, berth.authority());
        ProxyClientsIT.assertSkopeoSeesTheSameImage(skopeo, work, up + "/team/app:1",
            berth.authority() + "/team/app:1");
      }
      assertTrue(Files.isDirectory(work.resolve(
          "cache/docker/registry/v2/repositories/team/app/_manifests/tags/1")),
          "the cached tag is stored in the registry:2 layout");
    }
  }

  @Test
  void aBadUpstreamEntryIsRefusedWithItsKeyPath() {
    Programs.Result r = BerthProcess.run("serve", "--storage=memory", "--port=0",
        "--proxy-upstreams=[{\"url\":\"http://a.example\",\"prefix\":\"a\"},"
            + "{\"prefix\":\"b\",\"password\":\"" + PASSWORD + "\"}]");
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.output().contains("berth: proxy.upstreams[1].url (from --proxy-upstreams):"
        + " required"), r::toString);
    assertTrue(r.output().contains("berth: proxy.upstreams[1].password (from"
        + " --proxy-upstreams): give both username and password, or neither"), r::toString);
    assertFalse(r.output().contains(PASSWORD), r::toString);
    assertFalse(r.output().contains("listening on"), r::toString);
  }
}
