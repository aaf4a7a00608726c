package dev.berth.it.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.proxy.UpstreamOptions;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.upstream.ProxyStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth as a pull-through cache of another Berth, which has the referrers API, mapped under a
 * prefix as a cache of a public registry would be: local {@code mirror/team/app} is upstream
 * {@code team/app}; repositories outside the prefix are ordinary local ones.
 */
class ProxyBerthIT {
  static final Duration TTL = Duration.ofMinutes(10);
  static final String UP = "team/app";
  static final String LOCAL = "mirror/team/app";

  @TempDir
  Path work;

  BerthServer upstreamServer;
  RegistryClient upstream;
  ProxyCache proxy;

  @BeforeEach
  void start() {
    upstreamServer = BerthServer.builder(Registry.builder().inMemory().build())
        .closeRegistry(true).start();
    upstream = new RegistryClient(upstreamServer.url());
    proxy = ProxyCache.start(work.resolve("cache"), ProxyOptions.of(
        UpstreamOptions.of(upstreamServer.url()).withPrefix("mirror/").withTtl(TTL)));
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (upstreamServer != null) {
      upstreamServer.close();
    }
  }

  @Test
  void aPrefixMapsLocalNamesOntoTheUpstreamsAndOthersStayLocal() {
    Content.Image image = Content.push(upstream, UP, "v1", "prefixed", 20_000);
    Response m = Content.manifest(proxy.http, LOCAL, "v1");
    assertEquals(200, m.status(), m::toString);
    assertArrayEquals(image.manifest(), m.body());
    assertArrayEquals(image.layerBytes(),
        proxy.http.get("/v2/" + LOCAL + "/blobs/" + image.layer()).body());
    // Outside the prefix: a plain registry, pushes accepted, nothing asked upstream.
    assertEquals(404, Content.manifest(proxy.http, UP, "v1").status());
    Content.Image local = Content.push(proxy.http, "own/app", "v1", "own", 100);
    assertArrayEquals(local.manifest(), Content.manifest(proxy.http, "own/app", "v1").body());
  }

  @Test
  void referrersComeFromTheUpstreamsApiMergedWithLocalOnesAndArePagedByBerth() {
    Content.Image image = Content.push(upstream, UP, "v1", "subject", 1000);
    Content.Image sig = Content.pushReferrer(upstream, UP, image, Content.SIGNATURE, "sig1");
    Content.manifest(proxy.http, LOCAL, "v1");
    assertEquals(List.of(sig.digest().toString()),
        Content.referrers(proxy.http, LOCAL, image.digest(), null));

    Content.Image later = Content.pushReferrer(upstream, UP, image, Content.SIGNATURE, "sig2");
    Content.Image local = Content.pushReferrer(proxy.http, LOCAL, image, Content.SBOM, "sbom");
    TreeSet<String> beforeTtl = new TreeSet<>(List.of(sig.digest().toString(),
        local.digest().toString()));
    assertEquals(new ArrayList<>(beforeTtl),
        Content.referrers(proxy.http, LOCAL, image.digest(), null),
        "the upstream's list is refreshed only after the TTL; the local one at once");
    proxy.clock.advance(TTL.plusSeconds(1));
    TreeSet<String> all = new TreeSet<>(beforeTtl);
    all.add(later.digest().toString());
    assertEquals(new ArrayList<>(all), Content.referrers(proxy.http, LOCAL, image.digest(), null));

    // Berth's paging walks the merged list once, in digest order, with its own cursor.
    List<String> walked = new ArrayList<>();
    String next = "/v2/" + LOCAL + "/referrers/" + image.digest() + "?n=1";
    while (next != null) {
      Response page = proxy.http.get(next);
      assertEquals(200, page.status(), page::toString);
      page.json().getAsJsonArray("manifests")
          .forEach(e -> walked.add(e.getAsJsonObject().get("digest").getAsString()));
      String link = page.header("Link");
      next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
    }
    assertEquals(new ArrayList<>(all), walked);
    Response filtered = proxy.http.get("/v2/" + LOCAL + "/referrers/" + image.digest()
        + "?artifactType=" + Content.SIGNATURE);
    assertEquals("artifactType", filtered.header("OCI-Filters-Applied"));
    assertEquals(2, filtered.json().getAsJsonArray("manifests").size());

    // A signature removed upstream leaves the answer at the next refresh; the local one stays.
    assertEquals(202, upstream.delete("/v2/" + UP + "/manifests/" + sig.digest()).status());
    proxy.clock.advance(TTL.plusSeconds(1));
    TreeSet<String> remaining = new TreeSet<>(all);
    remaining.remove(sig.digest().toString());
    assertEquals(new ArrayList<>(remaining),
        Content.referrers(proxy.http, LOCAL, image.digest(), null));
  }

  @Test
  void withTheUpstreamStoppedCachedTagsDigestsBlobsAndReferrersStillAnswer() {
    Content.Image image = Content.push(upstream, UP, "v1", "kept", 70_000);
    Content.Image sig = Content.pushReferrer(upstream, UP, image, Content.SIGNATURE, "kept");
    Content.manifest(proxy.http, LOCAL, "v1");
    proxy.http.get("/v2/" + LOCAL + "/blobs/" + image.layer());
    Content.referrers(proxy.http, LOCAL, image.digest(), null);
    upstreamServer.close();
    upstreamServer = null;

    proxy.clock.advance(TTL.plusMinutes(1));
    assertArrayEquals(image.manifest(), Content.manifest(proxy.http, LOCAL, "v1").body());
    assertArrayEquals(image.manifest(),
        Content.manifest(proxy.http, LOCAL, image.digest().toString()).body());
    assertArrayEquals(image.layerBytes(),
        proxy.http.get("/v2/" + LOCAL + "/blobs/" + image.layer()).body());
    assertEquals(List.of(sig.digest().toString()),
        Content.referrers(proxy.http, LOCAL, image.digest(), null));
    Response uncached = proxy.http.get("/v2/" + LOCAL + "/blobs/" + sig.layer());
    assertEquals(503, uncached.status(), uncached::toString);
  }

  @Test
  void aTagDeletedUpstreamIsServedAsCachedAndCheckedOncePerTtl() {
    Content.Image image = Content.push(upstream, UP, "gone", "gone", 100);
    Content.manifest(proxy.http, LOCAL, "gone");
    assertEquals(202, upstream.delete("/v2/" + UP + "/manifests/gone").status());
    proxy.clock.advance(TTL.plusSeconds(1));
    assertArrayEquals(image.manifest(), Content.manifest(proxy.http, LOCAL, "gone").body());
    assertEquals(1, proxy.registry.proxyStats().revalidations());
    proxy.clock.advance(TTL.minusSeconds(10));
    assertArrayEquals(image.manifest(), Content.manifest(proxy.http, LOCAL, "gone").body());
    assertEquals(1, proxy.registry.proxyStats().revalidations(), "renewed: not asked again");
  }

  @Test
  void garbageCollectionKeepsWhatACachedTagNamesAndTakesWhatNothingKeeps() {
    Content.Image tagged = Content.push(upstream, UP, "v1", "tagged", 5000);
    Content.Image untagged = Content.push(upstream, UP, null, "untagged", 6000);
    Content.manifest(proxy.http, LOCAL, "v1");
    Content.Image[] pulled = {tagged, untagged};
    Content.manifest(proxy.http, LOCAL, untagged.digest().toString());
    for (Content.Image image : pulled) {
      // The first read's answer does not wait for the blob's commit; a second read waits for
      // it (or finds it done), so the blob is stored before the collection looks.
      proxy.http.get("/v2/" + LOCAL + "/blobs/" + image.layer());
      proxy.http.get("/v2/" + LOCAL + "/blobs/" + image.layer());
    }
    proxy.clock.advance(Duration.ofHours(2));

    GcReport report = proxy.registry.collectGarbage(GcOptions.defaults()
        .withDeleteUntagged(true).withGracePeriod(Duration.ofHours(1)));
    assertTrue(report.manifestsRemoved().stream().anyMatch(m -> m.contains(
        untagged.digest().encoded())), report::summary);
    assertTrue(report.blobsRemoved().stream().anyMatch(b -> b.contains(
        untagged.layer().encoded())), report::summary);
    assertTrue(report.manifestsRemoved().stream().noneMatch(m -> m.contains(
        tagged.digest().encoded())), report::summary);
    assertArrayEquals(tagged.manifest(), Content.manifest(proxy.http, LOCAL, "v1").body());
    ProxyStats before = proxy.registry.proxyStats();
    assertArrayEquals(tagged.layerBytes(),
        proxy.http.get("/v2/" + LOCAL + "/blobs/" + tagged.layer()).body());
    assertEquals(before.misses(), proxy.registry.proxyStats().misses(),
        "the cached tag's layer was kept: no fetch");
    // What was collected is fetched again on the next pull.
    assertArrayEquals(untagged.manifest(),
        Content.manifest(proxy.http, LOCAL, untagged.digest().toString()).body());
    assertEquals(before.misses() + 1, proxy.registry.proxyStats().misses());
  }

  @Test
  void aTagPushedLocallyWhenPushesAreAllowedIsNeverMovedByARevalidation() {
    proxy.close();
    proxy = ProxyCache.start(work.resolve("cache2"), ProxyOptions.of(
        UpstreamOptions.of(upstreamServer.url()).withPrefix("mirror").withTtl(TTL))
        .withAcceptPushes(true));
    Content.Image upstreamImage = Content.push(upstream, UP, "v1", "up", 100);
    assertArrayEquals(upstreamImage.manifest(), Content.manifest(proxy.http, LOCAL, "v1").body());
    Content.Image mine = Content.push(proxy.http, LOCAL, "v1", "mine", 100);
    proxy.clock.advance(TTL.plusSeconds(1));
    assertArrayEquals(mine.manifest(), Content.manifest(proxy.http, LOCAL, "v1").body());
    assertEquals(0, proxy.registry.proxyStats().revalidations(), "a local tag is not checked");
  }
}
