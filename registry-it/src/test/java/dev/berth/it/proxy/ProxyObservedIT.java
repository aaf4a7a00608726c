package dev.berth.it.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.jetty.BerthServer;
import dev.berth.jetty.ManagementPort;
import dev.berth.metrics.PrometheusMetrics;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.servlet.AccessLog;
import dev.berth.registry.servlet.testing.LogLines;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.TestClock;
import dev.berth.registry.upstream.Upstream;
import dev.berth.registry.upstream.UpstreamBlob;
import dev.berth.registry.upstream.UpstreamManifest;
import dev.berth.registry.upstream.UpstreamUnavailableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What operators see of the pull-through cache, over real HTTP: the access log's {@code proxy}
 * field on each request (captured from its java.util.logging logger) and distribution's
 * {@code registry_proxy_*} counters scraped from the management port, after a known sequence of
 * pulls through a Berth cache in front of registry:2.
 */
class ProxyObservedIT {
  static final Duration TTL = Duration.ofMinutes(5);
  static final String REPO = "library/seen";

  @TempDir
  Path work;

  final LogLines log = LogLines.of(AccessLog.LOGGER);
  final TestClock clock = TestClock.atSystemTime();
  DockerRegistryProcess registry2;
  RegistryClient upstream;
  Refusing upstreamSide;
  BerthServer server;
  RegistryClient proxy;
  URI scrape;

  @BeforeEach
  void start() throws Exception {
    registry2 = Content.loggedUpstream(work);
    log.start();
    upstream = new RegistryClient(registry2.url());
    PrometheusMetrics metrics = PrometheusMetrics.create();
    upstreamSide = new Refusing(ProxyOptions.registryTwo(registry2.url(), null, null, TTL)
        .upstream());
    Registry registry = Registry.builder().filesystem(work.resolve("cache")).clock(clock)
        .metrics(metrics).upstream(upstreamSide).build();
    metrics.watch(registry);
    server = BerthServer.builder(registry).closeRegistry(true).accessLog(true).observer(metrics)
        .management(ManagementPort.on("127.0.0.1", 0).metrics("/metrics", metrics)).start();
    proxy = new RegistryClient(server.url());
    scrape = URI.create("http://127.0.0.1:" + server.managementAddress().orElseThrow().getPort()
        + "/metrics");
  }

  @AfterEach
  void stop() throws Exception {
    log.close();
    Content.closeAll(server, registry2);
  }

  @Test
  void theAccessLogMarksEachProxiedRequestAndTheCountersAreScraped() throws Exception {
    Content.Image image = Content.push(upstream, REPO, "1.0", "seen", 200_000);
    String layer = "/v2/" + REPO + "/blobs/" + image.layer();
    Map<String, Double> before = scrape();

    assertEquals("miss", proxyField(() -> Content.manifest(proxy, REPO, "1.0")));
    assertEquals("miss", proxyField(() -> proxy.get(layer)));
    assertEquals("hit", proxyField(() -> proxy.get(layer)));
    assertEquals("hit", proxyField(() -> Content.manifest(proxy, REPO, "1.0")));
    clock.advance(TTL.plusSeconds(1));
    assertEquals("revalidated", proxyField(() -> Content.manifest(proxy, REPO, "1.0")));
    registry2.close();
    registry2 = null;
    clock.advance(TTL.plusSeconds(1));
    assertEquals("stale", proxyField(() -> Content.manifest(proxy, REPO, "1.0")),
        "served from the cache, the upstream stopped");
    int base = log.lines().size();
    assertEquals(200, proxy.get("/v2/").status());
    assertFalse(lineAfter(base).has("proxy"), "not a proxied request: no field");

    Map<String, Double> after = scrape();
    assertEquals(1, delta(before, after, "registry_proxy_misses_total{type=\"blob\"}"));
    assertEquals(1, delta(before, after, "registry_proxy_hits_total{type=\"blob\"}"));
    assertEquals(2, delta(before, after, "registry_proxy_requests_total{type=\"blob\"}"));
    assertEquals(image.layerBytes().length,
        delta(before, after, "registry_proxy_pulled_bytes_total{type=\"blob\"}"));
    assertEquals(1, delta(before, after, "registry_proxy_misses_total{type=\"manifest\"}"));
    assertEquals(1, delta(before, after, "registry_proxy_hits_total{type=\"manifest\"}"));
    assertEquals(image.manifest().length,
        delta(before, after, "registry_proxy_pulled_bytes_total{type=\"manifest\"}"));
    assertEquals(2, delta(before, after, "berth_proxy_revalidations_total"));
    assertEquals(1, delta(before, after, "berth_proxy_upstream_unavailable_total"));
  }

  @Test
  void aMovedTagWhoseNewManifestCannotBeFetchedIsServedStale() throws Exception {
    Content.Image first = Content.push(upstream, REPO, "1.0", "first", 1_000);
    assertEquals("miss", proxyField(() -> Content.manifest(proxy, REPO, "1.0")));
    Content.Image moved = Content.push(upstream, REPO, "1.0", "moved", 1_000);
    Map<String, Double> before = scrape();
    upstreamSide.refuseManifests = true;
    clock.advance(TTL.plusSeconds(1));

    int base = log.lines().size();
    Response stale = Content.manifest(proxy, REPO, "1.0");
    assertEquals(200, stale.status(), stale::toString);
    assertArrayEquals(first.manifest(), stale.body(), "the cached manifest is served");
    assertEquals("stale", lineAfter(base).get("proxy").getAsString(),
        "the tag moved upstream but its manifest could not be fetched: nothing new was served");
    assertEquals(1, delta(before, scrape(), "berth_proxy_upstream_unavailable_total"));

    upstreamSide.refuseManifests = false;
    base = log.lines().size();
    Response now = Content.manifest(proxy, REPO, "1.0");
    assertArrayEquals(moved.manifest(), now.body(), "asked again at once, as its record is old");
    assertEquals("revalidated", lineAfter(base).get("proxy").getAsString());
  }

  /** The HTTP upstream, whose manifest GETs can be made to fail as an unreachable one's do. */
  static final class Refusing implements Upstream {
    private final Upstream http;
    volatile boolean refuseManifests;

    Refusing(Upstream http) {
      this.http = http;
    }

    @Override
    public boolean covers(RepositoryName repository) {
      return http.covers(repository);
    }

    @Override
    public Duration tagTtl(RepositoryName repository) {
      return http.tagTtl(repository);
    }

    @Override
    public Optional<Descriptor> resolve(RepositoryName repository, Tag tag) {
      return http.resolve(repository, tag);
    }

    @Override
    public Optional<UpstreamManifest> manifest(RepositoryName repository, Digest digest) {
      if (refuseManifests) {
        throw new UpstreamUnavailableException("refused by the test");
      }
      return http.manifest(repository, digest);
    }

    @Override
    public Optional<Long> blobSize(RepositoryName repository, Digest digest) {
      return http.blobSize(repository, digest);
    }

    @Override
    public Optional<UpstreamBlob> openBlob(RepositoryName repository, Digest digest) {
      return http.openBlob(repository, digest);
    }

    @Override
    public List<Descriptor> referrers(RepositoryName repository, Digest subject) {
      return http.referrers(repository, subject);
    }
  }

  /** The {@code proxy} field of the access log line of {@code request}, answered 200. */
  private String proxyField(Supplier<Response> request) {
    int base = log.lines().size();
    Response response = request.get();
    assertEquals(200, response.status(), response::toString);
    JsonObject line = lineAfter(base);
    return line.has("proxy") ? line.get("proxy").getAsString() : null;
  }

  /** The access log line after the first {@code before}, once it is there. */
  private JsonObject lineAfter(int before) {
    String line = log.after(before);
    assertEquals(before + 1, log.lines().size(), log.lines()::toString);
    return JsonParser.parseString(line).getAsJsonObject();
  }

  /** The scrape's samples in Prometheus' text format: {@code name{labels}} to value. */
  private Map<String, Double> scrape() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(scrape)
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r::body);
    Map<String, Double> samples = new HashMap<>();
    r.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(l -> {
      int space = l.lastIndexOf(' ');
      samples.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
    });
    return samples;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after,
      String sample) {
    return after.getOrDefault(sample, 0.0) - before.getOrDefault(sample, 0.0);
  }
}
