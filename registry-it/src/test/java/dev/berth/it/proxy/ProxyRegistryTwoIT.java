package dev.berth.it.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.upstream.ProxyStats;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth as a pull-through cache of distribution's registry:2 (Debian {@code docker-registry}),
 * which has no referrers API: referrers come from its {@code sha256-<hex>} fallback tags. The
 * upstream logs every request (its access log), which is how upstream fetches are counted.
 */
class ProxyRegistryTwoIT {
  static final Duration TTL = Duration.ofMinutes(5);
  static final String REPO = "library/app";

  @TempDir
  Path work;

  DockerRegistryProcess registry2;
  RegistryClient upstream;
  ProxyCache proxy;

  @BeforeEach
  void start() throws Exception {
    registry2 = Content.loggedUpstream(work);
    upstream = new RegistryClient(registry2.url());
    proxy = ProxyCache.start(work.resolve("cache"), ProxyOptions.registryTwo(registry2.url(),
        null, null, TTL));
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (registry2 != null) {
      registry2.close();
    }
  }

  @Test
  void manifestAndBlobsArePulledByteForByte() {
    Content.Image image = Content.push(upstream, REPO, "1.0", "one", 300_000);
    Response byTag = Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/manifests/1.0");
    assertEquals(image.digest().toString(), byTag.header("Docker-Content-Digest"));
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/manifests/" + image.digest());
    Response layer = Content.sameBytes(upstream, proxy.http,
        "/v2/" + REPO + "/blobs/" + image.layer());
    assertArrayEquals(image.layerBytes(), layer.body());
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/blobs/" + Digest.EMPTY_JSON);
    // Served from storage now: a second pull asks the upstream nothing.
    ProxyStats before = proxy.registry.proxyStats();
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/blobs/" + image.layer());
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/manifests/1.0");
    ProxyStats after = proxy.registry.proxyStats();
    assertEquals(before.misses(), after.misses(), after::toString);
    assertEquals(before.bytesFetched(), after.bytesFetched(), after::toString);
    assertEquals(before.hits() + 2, after.hits(), after::toString);
    // The cached tag is a tag: it is listed.
    assertEquals(List.of("1.0"), proxy.http.get("/v2/" + REPO + "/tags/list").json()
        .getAsJsonArray("tags").asList().stream().map(e -> e.getAsString()).toList());
  }

  @Test
  void aTagMovedUpstreamIsSeenAfterTheTtlAndNotBefore() {
    Content.Image first = Content.push(upstream, REPO, "latest", "first", 1000);
    assertEquals(first.digest().toString(), Content.manifest(proxy.http, REPO, "latest")
        .header("Docker-Content-Digest"));
    Content.Image second = Content.push(upstream, REPO, "latest", "second", 1000);

    proxy.clock.advance(TTL.minusSeconds(1));
    assertEquals(first.digest().toString(), Content.manifest(proxy.http, REPO, "latest")
        .header("Docker-Content-Digest"), "within the TTL the cached tag is served");
    proxy.clock.advance(Duration.ofSeconds(2));
    Response moved = Content.manifest(proxy.http, REPO, "latest");
    assertEquals(second.digest().toString(), moved.header("Docker-Content-Digest"));
    assertArrayEquals(second.manifest(), moved.body());
    assertEquals(1, proxy.registry.proxyStats().revalidations());
  }

  @Test
  void cachedContentStillPullsWhenTheUpstreamIsStopped() throws Exception {
    Content.Image image = Content.push(upstream, REPO, "1.0", "stopped", 50_000);
    Content.Image never = Content.push(upstream, REPO, "2.0", "never", 1000);
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/manifests/1.0");
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/blobs/" + image.layer());
    registry2.close();
    registry2 = null;

    proxy.clock.advance(TTL.plusMinutes(1)); // the tag is due for a check that cannot happen
    Response manifest = Content.manifest(proxy.http, REPO, "1.0");
    assertEquals(200, manifest.status(), manifest::toString);
    assertArrayEquals(image.manifest(), manifest.body());
    Response layer = proxy.http.get("/v2/" + REPO + "/blobs/" + image.layer());
    assertArrayEquals(image.layerBytes(), layer.body());
    // What was never cached cannot be answered: 503, not a 404 a client would believe.
    Response missing = Content.manifest(proxy.http, REPO, never.digest().toString());
    assertEquals(503, missing.status(), missing::toString);
    assertEquals(List.of("UNAVAILABLE"), missing.errorCodes());
  }

  @Test
  void aSignaturePushedUpstreamAppearsAfterTheTtlFromTheFallbackTag() {
    Content.Image image = Content.push(upstream, REPO, "1.0", "signed", 1000);
    Content.manifest(proxy.http, REPO, "1.0");
    assertEquals(List.of(), Content.referrers(proxy.http, REPO, image.digest(), null));

    Content.Image signature = Content.pushReferrer(upstream, REPO, image, Content.SIGNATURE,
        "sig");
    Content.pushFallbackTag(upstream, REPO, image, List.of(signature), Content.SIGNATURE);
    assertEquals(List.of(), Content.referrers(proxy.http, REPO, image.digest(), null),
        "within the TTL the referrers fetched before are served");
    proxy.clock.advance(TTL.plusSeconds(1));
    assertEquals(List.of(signature.digest().toString()),
        Content.referrers(proxy.http, REPO, image.digest(), null));
    // The referrer's manifest and blob are fetched on demand like any other content.
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/manifests/" + signature.digest());
    Content.sameBytes(upstream, proxy.http, "/v2/" + REPO + "/blobs/" + signature.layer());
    assertEquals(List.of(signature.digest().toString()),
        Content.referrers(proxy.http, REPO, image.digest(), null), "listed once");
  }

  @Test
  void aLocalSignatureIsListedBesideTheUpstreamsAndOtherPushesAreRefused() {
    Content.Image image = Content.push(upstream, REPO, "1.0", "both", 1000);
    Content.Image upstreamSig = Content.pushReferrer(upstream, REPO, image, Content.SIGNATURE,
        "up");
    Content.pushFallbackTag(upstream, REPO, image, List.of(upstreamSig), Content.SIGNATURE);
    Content.manifest(proxy.http, REPO, "1.0");

    Content.Image localSbom = Content.pushReferrer(proxy.http, REPO, image, Content.SBOM, "local");
    List<String> both = new ArrayList<>(List.of(upstreamSig.digest().toString(),
        localSbom.digest().toString()));
    both.sort(null);
    assertEquals(both, Content.referrers(proxy.http, REPO, image.digest(), null));
    assertEquals(List.of(localSbom.digest().toString()),
        Content.referrers(proxy.http, REPO, image.digest(), "artifactType=" + Content.SBOM));
    // Berth's own paging over the merged list: one per page, each once.
    Response first = proxy.http.get("/v2/" + REPO + "/referrers/" + image.digest() + "?n=1");
    assertTrue(first.header("Link") != null, first::toString);

    // A plain image pushed to the cache is refused and stores nothing.
    Response refused = proxy.http.putManifest(REPO, "local", MediaTypes.OCI_MANIFEST,
        RegistryClient.smallManifest(image.layer(), image.layerBytes().length, "x", null, null));
    assertEquals(405, refused.status(), refused::toString);
    assertEquals(List.of("UNSUPPORTED"), refused.errorCodes());
    assertEquals(404, Content.manifest(proxy.http, REPO, "local").status());
  }

  @Test
  void contentThatDoesNotMatchItsDigestUpstreamIsNeverStored() throws Exception {
    Content.Image image = Content.push(upstream, REPO, "1.0", "corrupt", 100_000);
    Path layerFile = work.resolve("upstream").resolve(StoragePaths.blobData(image.layer()));
    Path manifestFile = work.resolve("upstream").resolve(StoragePaths.blobData(image.digest()));
    byte[] bad = image.layerBytes().clone();
    bad[bad.length / 2] ^= 1; // same size, other digest: registry:2 serves it as it is
    Files.write(layerFile, bad);
    byte[] goodManifest = Files.readAllBytes(manifestFile);
    Files.writeString(manifestFile, "{\"schemaVersion\":2}");

    Response manifest = Content.manifest(proxy.http, REPO, image.digest().toString());
    assertEquals(503, manifest.status(), manifest::toString);
    HttpClient raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest get = HttpRequest.newBuilder(proxy.url().resolve("v2/" + REPO + "/blobs/"
        + image.layer())).build();
    // The check runs before the last bytes go out: when the whole body came in one read (it is
    // 100,000 bytes), nothing went out yet and the answer is an error; otherwise the body is cut.
    try {
      HttpResponse<byte[]> answer = raw.send(get, HttpResponse.BodyHandlers.ofByteArray());
      assertTrue(answer.statusCode() >= 500, () -> "the client would take it for the blob: "
          + answer.statusCode() + " with " + answer.body().length + " bytes");
    } catch (IOException cut) {
      assertTrue(cut.getMessage() != null, cut::toString);
    }
    assertFalse(Files.exists(work.resolve("cache").resolve(StoragePaths.blobData(image.layer()))));
    assertFalse(Files.exists(work.resolve("cache").resolve(
        StoragePaths.blobData(image.digest()))));

    // Repaired upstream: fetched again, and right this time.
    Files.write(layerFile, image.layerBytes());
    Files.write(manifestFile, goodManifest);
    assertArrayEquals(image.manifest(),
        Content.manifest(proxy.http, REPO, image.digest().toString()).body());
    assertArrayEquals(image.layerBytes(),
        proxy.http.get("/v2/" + REPO + "/blobs/" + image.layer()).body());
  }

  @Test
  void sixteenClientsPullingOneUncachedBlobCauseOneUpstreamFetch() throws Exception {
    Content.Image image = Content.push(upstream, REPO, "big", "big", 8 * 1024 * 1024);
    Content.manifest(proxy.http, REPO, "big");
    String blobPath = "/v2/" + REPO + "/blobs/" + image.layer();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<Response>> pulls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        pulls.add(pool.submit(() -> {
          go.await();
          return proxy.http.get(blobPath);
        }));
      }
      go.countDown();
      Set<Digest> bodies = new java.util.HashSet<>();
      for (Future<Response> pull : pulls) {
        Response r = pull.get();
        assertEquals(200, r.status(), r::toString);
        bodies.add(Digest.sha256(r.body()));
      }
      assertEquals(Set.of(image.layer()), bodies, "16 identical bodies, the blob's");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, Content.upstreamGets(registry2, REPO, image.layer(), 1),
        registry2::output);
  }
}
