package dev.berth.registry.servlet.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.Registry;
import dev.berth.registry.servlet.testing.JettyTestServer;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Berth instances on one storage directory: what one changes, the other serves at once, though
 * each caches tag listings, referrers and manifest bytes.
 */
class TwoInstancesOneStorageTest {

  @TempDir
  Path root;

  TestServer a;
  TestServer b;
  RegistryClient toA;
  RegistryClient toB;

  @BeforeEach
  void start() throws Exception {
    a = JettyTestServer.start(Registry.builder().filesystem(root).build());
    b = JettyTestServer.start(Registry.builder().filesystem(root).build());
    toA = new RegistryClient(a.url());
    toB = new RegistryClient(b.url());
  }

  @AfterEach
  void stop() throws Exception {
    a.close();
    b.close();
  }

  static List<String> tags(RegistryClient client, String repo) {
    List<String> tags = new ArrayList<>();
    for (JsonElement e : client.get("/v2/" + repo + "/tags/list?n=1000").json()
        .getAsJsonArray("tags")) {
      tags.add(e.getAsString());
    }
    return tags;
  }

  @Test
  void tagListsStayTrueAcrossInstances() {
    toA.pushSmallImage("app", "b", "1");
    assertEquals(List.of("b"), tags(toB, "app"));
    toA.pushSmallImage("app", "a", "2");
    toA.pushSmallImage("app", "c", "3");
    assertEquals(List.of("a", "b", "c"), tags(toB, "app"), "B's cached listing was refreshed");
    assertEquals(202, toB.delete("/v2/app/manifests/b").status());
    assertEquals(List.of("a", "c"), tags(toA, "app"));
    Digest c = Digest.parse(toA.get("/v2/app/manifests/c").header("Docker-Content-Digest"));
    assertEquals(202, toB.delete("/v2/app/manifests/" + c).status());
    assertEquals(List.of("a"), tags(toA, "app"), "a delete by digest drops its tags everywhere");
    assertEquals(404, toA.get("/v2/app/manifests/c").status());
  }

  @Test
  void referrersAndTagMovesStayTrueAcrossInstances() {
    Digest subject = toA.pushFixtureImage("app", "v1");
    toA.pushSmallImage("app", "sig1", "sig1", subject, "t");
    assertEquals(1, toB.get("/v2/app/referrers/" + subject).json().getAsJsonArray("manifests")
        .size());
    Digest sig2 = toB.pushSmallImage("app", "sig2", "sig2", subject, "t");
    assertEquals(2, toA.get("/v2/app/referrers/" + subject).json().getAsJsonArray("manifests")
        .size());
    assertEquals(202, toA.delete("/v2/app/manifests/" + sig2).status());
    assertEquals(1, toB.get("/v2/app/referrers/" + subject).json().getAsJsonArray("manifests")
        .size());

    Digest moved = toB.pushSmallImage("app", "v1", "moved");
    assertEquals(moved.toString(), toA.get("/v2/app/manifests/v1").header("Docker-Content-Digest"));
  }
}
