package dev.berth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.jetty.BerthServer;
import dev.berth.jetty.ManagementPort;
import dev.berth.registry.Registry;
import dev.berth.registry.gc.GcOptions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Metrics over real HTTP: a known sequence of requests against a registry on Jetty, then a scrape
 * of the management port parsed with the client library's protobuf classes ({@link Scrape}).
 */
class PrometheusMetricsTest {

  private PrometheusMetrics metrics;
  private Registry registry;
  private BerthServer server;
  private URI base;
  private URI scrape;

  @BeforeEach
  void start() {
    metrics = PrometheusMetrics.create();
    registry = Registry.builder().inMemory().metrics(metrics).build();
    metrics.watch(registry);
    server = BerthServer.builder(registry).closeRegistry(true).observer(metrics)
        .management(ManagementPort.on("127.0.0.1", 0).metrics("/metrics", metrics)).start();
    base = server.url();
    scrape = URI.create("http://127.0.0.1:" + server.managementAddress().orElseThrow().getPort()
        + "/metrics");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void countersMoveByTheRequestsMade() throws Exception {
    Scrape before = Scrape.of(scrape);
    byte[] layer = "layer bytes".getBytes(StandardCharsets.UTF_8);
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    String layerDigest = Http.pushBlob(base, "app", layer);
    String configDigest = Http.pushBlob(base, "app", config);
    byte[] manifest = Http.pushManifest(base, "app", "v1", configDigest, layerDigest,
        layer.length, config.length);
    assertEquals(200, Http.get(base, "/v2/app/manifests/v1").statusCode());
    assertEquals(200, Http.get(base, "/v2/app/manifests/v1").statusCode());
    assertEquals(200, Http.get(base, "/v2/app/blobs/" + layerDigest).statusCode());
    assertEquals(404, Http.get(base, "/v2/app/manifests/nope").statusCode());

    Scrape after = scrapeOnceCounted(before, 7);
    assertEquals(2, delta(before, after, "registry_http_requests_total",
        "handler", "blob_upload", "code", "201", "method", "POST"));
    assertEquals(1, delta(before, after, "registry_http_requests_total",
        "handler", "manifest", "code", "201", "method", "PUT"));
    assertEquals(2, delta(before, after, "registry_http_requests_total",
        "handler", "manifest", "code", "200", "method", "GET"));
    assertEquals(1, delta(before, after, "registry_http_requests_total",
        "handler", "manifest", "code", "404", "method", "GET"));
    assertEquals(1, delta(before, after, "registry_http_requests_total",
        "handler", "blob", "code", "200", "method", "GET"));
    assertEquals(2, delta(before, after, "registry_http_request_duration_seconds",
        "handler", "manifest", "method", "GET") - 1, "the 404 is timed too: 3 GETs");
    assertEquals(layer.length + config.length + manifest.length,
        delta(before, after, "registry_http_request_size_bytes_total", "handler", "blob_upload")
        + delta(before, after, "registry_http_request_size_bytes_total", "handler",
            "manifest"));
    assertEquals(layer.length, delta(before, after, "registry_http_response_size_bytes_total",
        "handler", "blob"));
    assertEquals(2, delta(before, after, "berth_uploads_started_total"));
    assertEquals(2, delta(before, after, "berth_uploads_completed_total"));
    assertEquals(layer.length + config.length, delta(before, after,
        "berth_uploaded_bytes_total"));
    assertEquals(0, after.value("registry_http_in_flight_requests", "handler", "manifest"));
    assertTrue(after.value("registry_storage_action_seconds", "driver", "inmemory",
        "action", "write") > 0, "storage writes timed");
  }

  @Test
  void aFailedUploadAndAGcAreCounted() throws Exception {
    Scrape before = Scrape.of(scrape);
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    String wrong = Http.sha256("y".getBytes(StandardCharsets.UTF_8));
    int status = Http.send(HttpRequest.newBuilder(base.resolve("/v2/app/blobs/uploads/?digest="
        + wrong)).POST(HttpRequest.BodyPublishers.ofByteArray(bytes))).statusCode();
    assertEquals(400, status);
    registry.collectGarbage(GcOptions.defaults().withGracePeriod(Duration.ZERO));

    Scrape after = Scrape.of(scrape);
    assertEquals(1, delta(before, after, "berth_uploads_started_total"));
    assertEquals(1, delta(before, after, "berth_uploads_failed_total"));
    assertEquals(0, delta(before, after, "berth_uploads_completed_total"));
    assertEquals(1, delta(before, after, "berth_gc_runs_total", "result", "done"));
    assertEquals(1, delta(before, after, "berth_gc_duration_seconds"));
  }

  /**
   * The core reports a dropped touch only when four touches hang and 10,000 wait behind them
   * (PullTouchesTest drives that); here the binding's counter is checked by its exported name.
   */
  @Test
  void aDroppedPullTouchIsCounted() throws Exception {
    Scrape before = Scrape.of(scrape);
    metrics.pullTouchDropped();
    metrics.pullTouchDropped();
    assertEquals(2, delta(before, Scrape.of(scrape), "berth_pull_touches_dropped_total"));
  }

  @Test
  void labelsStayBoundedWhateverThePath() throws Exception {
    Scrape before = Scrape.of(scrape);
    String random = "r" + UUID.randomUUID().toString().replace("-", "");
    assertEquals(404, Http.get(base, "/v2/" + random + "/manifests/latest").statusCode());
    assertEquals(404, Http.get(base, "/" + random).statusCode());
    assertEquals(404, Http.get(base, "/v2/" + random + "/blobs/sha256:" + "0".repeat(64))
        .statusCode());
    int weird = Http.send(HttpRequest.newBuilder(base.resolve("/v2/"))
        .method("PROPFIND", HttpRequest.BodyPublishers.noBody())).statusCode();
    assertEquals(405, weird);

    Scrape after = scrapeOnceCounted(before, 4);
    Set<String> handlers = new TreeSet<>(after.labelValues("registry_http_requests_total",
        "handler"));
    assertEquals(Set.of("manifest", "unknown", "blob", "base"), handlers);
    assertEquals(List.of(), after.families.keySet().stream()
        .flatMap(name -> after.samples(name).keySet().stream())
        .flatMap(labels -> labels.values().stream())
        .filter(v -> v.contains(random)).toList(), "no label holds the random name");
    assertEquals(Set.of("GET", "other"), new TreeSet<>(after.labelValues(
        "registry_http_requests_total", "method")));
  }

  @Test
  void readOnlyIsAGauge() throws Exception {
    assertEquals(0, Scrape.of(scrape).value("berth_read_only"));
    registry.setReadOnly(true);
    assertEquals(1, Scrape.of(scrape).value("berth_read_only"));
  }

  @Test
  void theTextFormatIsServedByDefault() throws Exception {
    assertEquals(200, Http.get(base, "/v2/").statusCode());
    var r = Http.get(scrape, "/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        r.headers().toString());
    assertTrue(r.body().contains("# TYPE registry_http_requests_total counter"), r.body());
    assertTrue(r.body().contains(
        "registry_http_requests_total{code=\"200\",handler=\"base\",method=\"GET\"} 1.0"),
        r.body());
    assertFalse(r.body().isBlank());
  }

  /**
   * A scrape that counts {@code requests} more requests than {@code before}: a request is counted
   * when the server is done with it, which can be just after its client read the answer.
   */
  private Scrape scrapeOnceCounted(Scrape before, int requests) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Scrape after = Scrape.of(scrape);
      double counted = after.samples("registry_http_requests_total").values().stream()
          .mapToDouble(Double::doubleValue).sum() - before.samples("registry_http_requests_total")
          .values().stream().mapToDouble(Double::doubleValue).sum();
      if (counted >= requests || System.nanoTime() > deadline) {
        return after;
      }
      Thread.sleep(5);
    }
  }

  private static double delta(Scrape before, Scrape after, String name, String... labels) {
    return after.value(name, labels) - before.value(name, labels);
  }
}
