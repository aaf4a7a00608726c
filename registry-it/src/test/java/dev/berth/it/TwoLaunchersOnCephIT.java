package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.CephRgw;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two berth.jar processes on different ports over one Ceph bucket and prefix: referrers listed,
 * paged and filtered identically; no stale tag or referrers page on one after the other
 * acknowledged a change; and one collecting garbage on a schedule while pushes and deletes go
 * through the other, after which every live manifest and blob is served by both by digest.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TwoLaunchersOnCephIT {
  private static final String ACCEPT = "application/vnd.oci.image.manifest.v1+json";

  @Test
  void referrersAndTagsAgreeAndNothingIsStale() throws Exception {
    CephRgw ceph = CephRgw.get();
    String prefix = "it-two-" + UUID.randomUUID();
    try (BerthProcess one = start(ceph, prefix); BerthProcess two = start(ceph, prefix)) {
      RegistryClient a = new RegistryClient(one.url());
      RegistryClient b = new RegistryClient(two.url());
      Digest subject = a.pushSmallImage("it/refs", "v1", "subject");
      for (int i = 0; i < 5; i++) {
        b.pushSmallImage("it/refs", "sig-" + i, "referrer " + i, subject,
            i % 2 == 0 ? "application/vnd.example.sig" : "application/vnd.example.sbom");
      }
      for (String query : List.of("", "?n=2", "?artifactType=application/vnd.example.sig",
          "?artifactType=application/vnd.example.sbom&n=1")) {
        assertEquals(pages(a, "/v2/it/refs/referrers/" + subject + query),
            pages(b, "/v2/it/refs/referrers/" + subject + query), query);
      }
      assertEquals(5, a.get("/v2/it/refs/referrers/" + subject).json()
          .getAsJsonArray("manifests").size());
      assertEquals(3, a.get("/v2/it/refs/referrers/" + subject
          + "?artifactType=application/vnd.example.sig").json().getAsJsonArray("manifests")
          .size());

      // Read through one (cached there), change through the other, read again at once.
      assertEquals(subject.toString(), a.get("/v2/it/refs/manifests/v1", "Accept", ACCEPT)
          .header("Docker-Content-Digest"));
      Digest moved = b.pushSmallImage("it/refs", "v1", "moved");
      assertEquals(moved.toString(), a.get("/v2/it/refs/manifests/v1", "Accept", ACCEPT)
          .header("Docker-Content-Digest"), "stale tag on the other instance");
      b.pushSmallImage("it/refs", "sig-late", "late referrer", subject, "application/vnd.late");
      assertEquals(6, a.get("/v2/it/refs/referrers/" + subject).json()
          .getAsJsonArray("manifests").size(), "stale referrers on the other instance");
      assertEquals(202, a.delete("/v2/it/refs/manifests/sig-0").status());
      assertEquals(404, b.get("/v2/it/refs/manifests/sig-0", "Accept", ACCEPT).status());
      assertEquals(a.get("/v2/it/refs/tags/list").text(), b.get("/v2/it/refs/tags/list").text());
      assertEquals(a.get("/v2/_catalog").text(), b.get("/v2/_catalog").text());
    }
  }

  @Test
  void oneCollectsWhileTheOtherTakesPushesAndEverythingLiveIsServed() throws Exception {
    CephRgw ceph = CephRgw.get();
    String prefix = "it-gc-" + UUID.randomUUID();
    try (BerthProcess collector = start(ceph, prefix, "--gc-interval", "1s",
        "--gc-grace-period", "0s", "--gc-delete-untagged");
        BerthProcess pusher = start(ceph, prefix)) {
      RegistryClient c = new RegistryClient(collector.url());
      RegistryClient p = new RegistryClient(pusher.url());
      Map<String, Digest> live = new LinkedHashMap<>();
      List<Digest> liveLayers = new ArrayList<>();
      List<Digest> deadLayers = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        String seed = "gc " + i + " " + UUID.randomUUID();
        Digest manifest = p.pushSmallImage("it/gc", "t" + i, seed);
        if (i % 3 == 0) {
          assertEquals(202, p.delete("/v2/it/gc/manifests/" + manifest).status());
          deadLayers.add(Digest.sha256(("layer " + seed).getBytes(StandardCharsets.UTF_8)));
        } else {
          live.put("t" + i, manifest);
          liveLayers.add(Digest.sha256(("layer " + seed).getBytes(StandardCharsets.UTF_8)));
        }
      }
      // A collection that started after the last push finished, then look.
      int before = count(collector.output(), "berth: gc: removed");
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (count(collector.output(), "berth: gc: removed") < before + 2) {
        assertTrue(Instant.now().isBefore(deadline), collector::output);
        TimeUnit.MILLISECONDS.sleep(100);
      }
      for (RegistryClient client : List.of(c, p)) {
        for (Map.Entry<String, Digest> e : live.entrySet()) {
          RegistryClient.Response byTag = client.get("/v2/it/gc/manifests/" + e.getKey(),
              "Accept", ACCEPT);
          assertEquals(200, byTag.status(), byTag::toString);
          assertEquals(e.getValue(), Digest.sha256(byTag.body()));
          assertEquals(200, client.get("/v2/it/gc/manifests/" + e.getValue(), "Accept", ACCEPT)
              .status());
        }
        for (Digest layer : liveLayers) {
          RegistryClient.Response blob = client.get("/v2/it/gc/blobs/" + layer);
          assertEquals(200, blob.status(), blob::toString);
          assertEquals(layer, Digest.sha256(blob.body()));
        }
        // What the deletes left unreferenced was collected, as both instances see.
        for (Digest layer : deadLayers) {
          assertEquals(404, client.get("/v2/it/gc/blobs/" + layer).status(), layer::toString);
        }
      }
      assertFalse(collector.output().contains("maintenance task failed"), collector::output);
      assertFalse(pusher.output().contains("Exception"), pusher::output);
    }
  }

  private static BerthProcess start(CephRgw ceph, String prefix, String... more)
      throws Exception {
    List<String> args = new ArrayList<>(ceph.flags(prefix));
    args.addAll(List.of(more));
    return BerthProcess.start(args.toArray(String[]::new));
  }

  /** Every page's body, following Link rel="next" (as a path: the hosts differ). */
  private static List<String> pages(RegistryClient client, String first) {
    List<String> bodies = new ArrayList<>();
    String next = first;
    while (next != null) {
      RegistryClient.Response r = client.get(next);
      assertEquals(200, r.status(), r::toString);
      bodies.add(r.text());
      String link = r.header("Link");
      next = link == null ? null : RegistryClient.pathAndQuery(link.substring(link.indexOf('<')
          + 1, link.indexOf('>')));
      assertTrue(bodies.size() < 20, "too many pages");
    }
    return bodies;
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
