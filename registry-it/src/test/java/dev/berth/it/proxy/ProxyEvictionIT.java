package dev.berth.it.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.proxy.UpstreamOptions;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.upstream.CacheEviction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eviction of least recently pulled cached content ({@code proxy.maxAge}, {@code proxy.maxBytes})
 * against another Berth as the upstream. The tag TTL is longer than any step here, so a tag's
 * last pull is known only from the pull times the cache records (a revalidation would renew its
 * fetch time and hide a lost record).
 */
class ProxyEvictionIT {
  static final Duration TTL = Duration.ofDays(30);
  static final String REPO = "team/app";
  static final GcOptions GC = GcOptions.defaults().withGracePeriod(Duration.ZERO);

  @TempDir
  Path work;

  /** The upstream: an in-memory Berth, one per test. */
  final BerthServer upstreamServer = BerthServer.builder(Registry.builder().inMemory().build())
      .closeRegistry(true).start();
  final RegistryClient upstream = new RegistryClient(upstreamServer.url());
  ProxyCache proxy;

  @AfterEach
  void stop() {
    try (BerthServer up = upstreamServer; ProxyCache cache = proxy) {
      // both closed, the cache first
    }
  }

  private ProxyOptions options() {
    return ProxyOptions.of(UpstreamOptions.of(upstreamServer.url()).withTtl(TTL));
  }

  /** Pulls the manifest by tag and its layer through the cache. */
  private void pull(Content.Image image, String tag) {
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/manifests/" + tag);
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/blobs/" + image.layer());
  }

  private boolean stored(Digest digest) {
    return proxy.registry.storage().stat(StoragePaths.blobData(digest)).isPresent();
  }

  private List<String> tags() {
    return proxy.http.get("/v2/" + REPO + "/tags/list").json().getAsJsonArray("tags").asList()
        .stream().map(e -> e.getAsString()).sorted().toList();
  }

  @Test
  void tagsNotPulledWithinTheAgeLimitGoAndGcTakesWhatOnlyTheyNamed() {
    proxy = ProxyCache.start(work.resolve("cache"), options().withMaxAge(Duration.ofDays(1))
        .withAcceptPushes(true));
    Content.Image old = Content.push(upstream, REPO, "old", "old", 40_000);
    Content.Image kept = Content.push(upstream, REPO, "kept", "kept", 40_000);
    Content.Image signed = Content.push(upstream, REPO, "signed", "signed", 40_000);
    pull(old, "old");
    pull(kept, "kept");
    pull(signed, "signed");
    // A team's own signature on a cached image, and an image pushed here: both local.
    Content.Image sig = Content.pushReferrer(proxy.http, REPO, signed, Content.SIGNATURE, "ours");
    Content.Image own = Content.push(proxy.http, REPO, "own", "own", 1000);

    proxy.clock.advance(Duration.ofDays(2));
    pull(kept, "kept");
    CacheEviction evicted = proxy.registry.evictProxyCache();

    assertEquals(1, evicted.tagsEvicted(), evicted::summary);
    assertEquals(1, evicted.manifestsRemoved(), evicted::summary);
    assertEquals(List.of("kept", "own", "signed"), tags(),
        "the old cached tag goes; a recently pulled one, a signed one and a local one stay");
    assertTrue(proxy.registry.storage().stat(StoragePaths.revisionLink(
        RepositoryName.parse(REPO), old.digest())).isEmpty(), "its manifest went with it");
    proxy.registry.collectGarbage(GC);
    assertFalse(stored(old.layer()), "GC takes the blob only the evicted tag named");
    assertTrue(stored(kept.layer()) && stored(signed.layer()) && stored(own.layer()));
    assertEquals(List.of(sig.digest().toString()),
        Content.referrers(proxy.http, REPO, signed.digest(), null));

    long misses = proxy.registry.proxyStats().misses();
    pull(old, "old");
    assertTrue(proxy.registry.proxyStats().misses() > misses, "an evicted tag is fetched again");
    assertEquals(0, proxy.registry.evictProxyCache().tagsEvicted(), "just pulled: it stays");
  }

  @Test
  void overTheSizeLimitTheLeastRecentlyPulledGoFirst() {
    Content.Image x = Content.push(upstream, REPO, "x", "x", 100_000);
    Content.Image y = Content.push(upstream, REPO, "y", "y", 100_000);
    Content.Image z = Content.push(upstream, REPO, "z", "z", 100_000);
    proxy = ProxyCache.start(work.resolve("cache"), options().withMaxBytes(250_000));
    pull(x, "x");
    proxy.clock.advance(Duration.ofMinutes(1));
    pull(y, "y");
    proxy.clock.advance(Duration.ofMinutes(1));
    pull(z, "z");
    proxy.clock.advance(Duration.ofMinutes(1));
    pull(x, "x"); // y is now the least recently pulled

    CacheEviction evicted = proxy.registry.evictProxyCache();
    assertEquals(1, evicted.tagsEvicted(), evicted::summary);
    assertEquals(List.of("x", "z"), tags());
    assertTrue(evicted.bytesHeld() > 200_000 && evicted.bytesHeld() <= 250_000,
        evicted::summary);
    proxy.registry.collectGarbage(GC);
    assertFalse(stored(y.layer()));
    assertTrue(stored(x.layer()) && stored(z.layer()));
    assertEquals(0, proxy.registry.evictProxyCache().tagsEvicted());
  }

  @Test
  void pullTimesCostNoStorageWritePerPullAndSurviveARestart() {
    Content.Image a = Content.push(upstream, REPO, "a", "a", 1000);
    Content.Image b = Content.push(upstream, REPO, "b", "b", 1000);
    Path cache = work.resolve("cache");
    proxy = ProxyCache.start(cache, options().withMaxAge(Duration.ofDays(1)));
    pull(a, "a");
    pull(b, "b");
    String pulled = StoragePaths.proxyPulled(RepositoryName.parse(REPO));
    proxy.clock.advance(Duration.ofHours(20));
    for (int i = 0; i < 5; i++) {
      pull(b, "b");
    }
    assertTrue(proxy.registry.storage().stat(pulled).isEmpty(),
        "pulls are counted in memory until a flush");
    proxy.close(); // flushes
    proxy = ProxyCache.start(cache, options().withMaxAge(Duration.ofDays(1)));
    assertTrue(proxy.registry.storage().stat(pulled).isPresent());
    // The new clock starts where the old one did (the system's time): 30 h on, a was last pulled
    // 30 h ago (evicted), b 10 h ago, which only the recorded pulls know (its fetch was 30 h ago).
    proxy.clock.advance(Duration.ofHours(30));
    CacheEviction evicted = proxy.registry.evictProxyCache();
    assertEquals(1, evicted.tagsEvicted(), evicted::summary);
    assertEquals(List.of("b"), tags(), "b's pulls were remembered across the restart");
    assertArrayEquals(a.manifest(), Content.manifest(proxy.http, REPO, "a").body(),
        "and a is fetched again");
  }
}
