package dev.berth.metrics;

import dev.berth.registry.Registry;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.upstream.ProxyStats;
import dev.berth.registry.servlet.MetricsExposition;
import dev.berth.registry.servlet.RequestObserver;
import dev.berth.registry.servlet.RequestRecord;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Berth's metrics in Prometheus' Java client: one object that the registry reports to
 * ({@link RegistryMetrics}), the servlet reports each request to ({@link RequestObserver}), and
 * the management port writes out ({@link MetricsExposition}). Names and labels are listed in
 * docs/design/metrics.md; request labels are route names, methods from a fixed set and status
 * codes, never paths or repository names, so their number is bounded.
 *
 * <pre>{@code
 * PrometheusMetrics metrics = PrometheusMetrics.create();
 * Registry registry = Registry.builder().filesystem(dir).metrics(metrics).build();
 * metrics.watch(registry);
 * BerthServer.builder(registry).observer(metrics)
 *     .management(ManagementPort.on("127.0.0.1", 5001).metrics("/metrics", metrics)).start();
 * }</pre>
 */
public final class PrometheusMetrics implements RegistryMetrics, RequestObserver,
    MetricsExposition {

  /** The methods a label may name; any other is {@code other}. */
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "PUT", "POST", "PATCH",
      "DELETE", "OPTIONS");
  /** Request latency buckets, in seconds: a cached manifest GET to a large blob push. */
  private static final double[] SECONDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
      0.5, 1, 2.5, 5, 10, 30, 60, 300};
  private static final double[] STORAGE_SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30};

  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final ExpositionFormats formats = ExpositionFormats.init();
  private volatile Registry watched;

  private final Counter requests = counter("registry_http_requests",
      "HTTP requests answered, by route, status code and method", "handler", "code", "method");
  private final Histogram duration = Histogram.builder()
      .name("registry_http_request_duration_seconds")
      .help("time from a request's arrival to the end of its answer, by route and method")
      .labelNames("handler", "method").classicOnly().classicUpperBounds(SECONDS)
      .register(prometheus);
  private final Gauge inFlight = Gauge.builder().name("registry_http_in_flight_requests")
      .help("requests being served, by route").labelNames("handler").register(prometheus);
  private final Counter bytesIn = counter("registry_http_request_size_bytes",
      "request body bytes received, by route", "handler");
  private final Counter bytesOut = counter("registry_http_response_size_bytes",
      "response body bytes sent, by route", "handler");
  private final Histogram storage = Histogram.builder().name("registry_storage_action_seconds")
      .help("time of each storage call, by storage kind and call")
      .labelNames("driver", "action").classicOnly().classicUpperBounds(STORAGE_SECONDS)
      .register(prometheus);
  private final Counter uploadsStarted = counter("berth_uploads_started",
      "uploads begun: sessions started and whole blobs that began to arrive");
  private final Counter uploadsCompleted = counter("berth_uploads_completed",
      "uploads that became a blob");
  private final Counter uploadsFailed = counter("berth_uploads_failed",
      "uploads that ended without a blob (digest or length mismatch, body broken off)");
  private final Counter uploadedBytes = counter("berth_uploaded_bytes",
      "bytes of the blobs uploads completed");
  private final Counter referrersLookups = counter("berth_referrers_cache_lookups",
      "referrers listings, by whether the subject was loaded in memory", "result");
  private final Counter gcRuns = counter("berth_gc_runs", "garbage collections, by outcome",
      "result");
  private final Counter gcManifests = counter("berth_gc_removed_manifests",
      "manifests garbage collection removed");
  private final Counter gcBlobs = counter("berth_gc_removed_blobs",
      "blobs garbage collection removed");
  private final Counter gcBytes = counter("berth_gc_freed_bytes",
      "bytes of the blobs garbage collection removed");
  private final Counter gcReferrers = counter("berth_gc_removed_referrers_entries",
      "referrers index entries garbage collection removed");
  private final Counter gcUploads = counter("berth_gc_removed_uploads",
      "expired upload sessions garbage collection removed");
  private final Counter pullTouchesDropped = counter("berth_pull_touches_dropped",
      "touches of pulled blobs dropped because their queue was full (the storage is behind)");
  private final Histogram gcDuration = Histogram.builder().name("berth_gc_duration_seconds")
      .help("how long garbage collections took").classicOnly()
      .classicUpperBounds(0.1, 1, 10, 60, 300, 1800, 3600).register(prometheus);
  private final Gauge notificationQueue = Gauge.builder()
      .name("berth_notifications_queue_length")
      .help("events waiting for delivery, by endpoint").labelNames("endpoint")
      .register(prometheus);
  private final Counter notificationsDelivered = counter("berth_notifications_delivered",
      "events delivered, by endpoint", "endpoint");
  private final Counter notificationsFailed = counter("berth_notifications_failed",
      "failed delivery attempts, by endpoint", "endpoint");
  private final Counter notificationsDropped = counter("berth_notifications_dropped",
      "pull events dropped because the endpoint's memory queue was full", "endpoint");

  private PrometheusMetrics() {
    gauge("berth_read_only", "1 while the registry is read-only", r -> r.readOnly() ? 1 : 0);
    gauge("berth_referrers_cache_subjects", "subjects the referrers index holds in memory",
        r -> r.referrersIndex().stats().subjects());
    gauge("berth_referrers_cache_entries", "referrers of the subjects held in memory",
        r -> r.referrersIndex().stats().entries());
    gauge("berth_referrers_cache_bytes", "heap bytes the loaded referrers take, about",
        r -> r.referrersIndex().stats().bytes());
    // The pull-through cache, named as distribution's proxy names them (registry_proxy_*_total,
    // labelled with the type: blob, manifest; and Berth's referrers lists).
    proxyCounter("registry_proxy_requests", "reads of proxied repositories, by type",
        c -> c.hits() + c.misses());
    proxyCounter("registry_proxy_hits", "reads of proxied repositories answered from the cache,"
        + " by type", ProxyStats.Counts::hits);
    proxyCounter("registry_proxy_misses", "reads of proxied repositories fetched from the"
        + " upstream, by type", ProxyStats.Counts::misses);
    proxyCounter("registry_proxy_pulled_bytes", "bytes read from the upstream, by type",
        ProxyStats.Counts::bytesFetched);
    CounterWithCallback.builder().name("berth_proxy_revalidations")
        .help("cached tags checked upstream after their TTL")
        .callback(cb -> proxyStats().ifPresent(s -> cb.call(s.revalidations())))
        .register(prometheus);
    CounterWithCallback.builder().name("berth_proxy_upstream_unavailable")
        .help("times the upstream could not answer (cached content served, or 503)")
        .callback(cb -> proxyStats().ifPresent(s -> cb.call(s.unavailable())))
        .register(prometheus);
  }

  public static PrometheusMetrics create() {
    return new PrometheusMetrics();
  }

  /**
   * Reads the registry's gauges (read-only mode, the referrers cache) and its pull-through
   * cache's counters (when it has an upstream) from {@code registry}.
   */
  public PrometheusMetrics watch(Registry registry) {
    this.watched = registry;
    return this;
  }

  /** The Prometheus registry the metrics live in, to add an application's own. */
  public PrometheusRegistry prometheusRegistry() {
    return prometheus;
  }

  private Counter counter(String name, String help, String... labels) {
    return Counter.builder().name(name).help(help).labelNames(labels).register(prometheus);
  }

  /** The watched registry's pull-through cache statistics, if it has an upstream. */
  private Optional<ProxyStats> proxyStats() {
    Registry r = watched;
    return r == null || r.proxyStats() == ProxyStats.NONE ? Optional.empty()
        : Optional.of(r.proxyStats());
  }

  private void proxyCounter(String name, String help, ToLongFunction<ProxyStats.Counts> value) {
    CounterWithCallback.builder().name(name).help(help).labelNames("type").callback(cb ->
        proxyStats().ifPresent(s -> {
          for (ProxyStats.Kind kind : ProxyStats.Kind.values()) {
            cb.call(value.applyAsLong(s.of(kind)), kind.label());
          }
        })).register(prometheus);
  }

  private void gauge(String name, String help, Function<Registry, Number> value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
      Registry r = watched;
      if (r != null) {
        cb.call(value.apply(r).doubleValue());
      }
    }).register(prometheus);
  }

  // Requests (RequestObserver)

  @Override
  public void started(String route, String method) {
    inFlight.labelValues(route).inc();
  }

  @Override
  public void completed(RequestRecord r) {
    String method = METHODS.contains(r.method()) ? r.method() : "other";
    inFlight.labelValues(r.route()).dec();
    requests.labelValues(r.route(), Integer.toString(r.status()), method).inc();
    duration.labelValues(r.route(), method).observe(r.durationNanos() / 1e9);
    if (r.bytesIn() > 0) {
      bytesIn.labelValues(r.route()).inc(r.bytesIn());
    }
    if (r.bytesOut() > 0) {
      bytesOut.labelValues(r.route()).inc(r.bytesOut());
    }
  }

  // The core (RegistryMetrics)

  @Override
  public void uploadStarted() {
    uploadsStarted.inc();
  }

  @Override
  public void uploadCompleted(long bytes) {
    uploadsCompleted.inc();
    uploadedBytes.inc(bytes);
  }

  @Override
  public void uploadFailed() {
    uploadsFailed.inc();
  }

  @Override
  public void storageAction(String driver, String action, long nanos) {
    storage.labelValues(driver, action).observe(nanos / 1e9);
  }

  @Override
  public void referrersLookup(boolean hit) {
    referrersLookups.labelValues(hit ? "hit" : "miss").inc();
  }

  @Override
  public void gcCompleted(GcReport report) {
    gcRuns.labelValues("done").inc();
    gcManifests.inc(report.manifestsRemoved().size());
    gcBlobs.inc(report.blobsRemoved().size());
    gcBytes.inc(report.bytesFreed());
    gcReferrers.inc(report.referrersEntriesRemoved());
    gcUploads.inc(report.uploadsRemoved());
    gcDuration.observe(report.duration().toNanos() / 1e9);
  }

  @Override
  public void pullTouchDropped() {
    pullTouchesDropped.inc();
  }

  @Override
  public void gcFailed() {
    gcRuns.labelValues("failed").inc();
  }

  @Override
  public void notificationQueueLength(String endpoint, long events) {
    notificationQueue.labelValues(endpoint).set(events);
  }

  @Override
  public void notificationDelivered(String endpoint) {
    notificationsDelivered.labelValues(endpoint).inc();
  }

  @Override
  public void notificationFailed(String endpoint) {
    notificationsFailed.labelValues(endpoint).inc();
  }

  @Override
  public void notificationDropped(String endpoint) {
    notificationsDropped.labelValues(endpoint).inc();
  }

  // The exposition (MetricsExposition)

  private ExpositionFormatWriter writer(String accept) {
    ExpositionFormatWriter w = formats.findWriter(accept);
    return w.isAvailable() ? w : formats.getPrometheusTextFormatWriter();
  }

  @Override
  public String contentType(String accept) {
    return writer(accept).getContentType();
  }

  @Override
  public void write(String accept, OutputStream out) throws IOException {
    writer(accept).write(out, prometheus.scrape());
  }
}
