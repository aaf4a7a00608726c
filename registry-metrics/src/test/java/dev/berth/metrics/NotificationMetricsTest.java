package dev.berth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.jetty.BerthServer;
import dev.berth.jetty.ManagementPort;
import dev.berth.registry.Registry;
import dev.berth.registry.events.NotificationEndpoint;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.WebhookReceiver;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The webhook counters on the management port: failed attempts and the queue length while the
 * receiver is down, deliveries once it is back.
 */
class NotificationMetricsTest {

  @Test
  void queueLengthFailuresAndDeliveriesAreScraped() throws Exception {
    PrometheusMetrics metrics = PrometheusMetrics.create();
    try (WebhookReceiver receiver = WebhookReceiver.start()) {
      receiver.stop();
      Registry registry = Registry.builder().inMemory().metrics(metrics).notifications(List.of(
          NotificationEndpoint.of("hook", receiver.url()).withBackoff(Duration.ofMillis(50))
              .withIgnored(java.util.Set.of(), java.util.Set.of("pull")))).build();
      metrics.watch(registry);
      try (BerthServer server = BerthServer.builder(registry).closeRegistry(true)
          .management(ManagementPort.on("127.0.0.1", 0).metrics("/metrics", metrics)).start()) {
        URI scrape = URI.create("http://127.0.0.1:"
            + server.managementAddress().orElseThrow().getPort() + "/metrics");
        new RegistryClient(server.url()).pushSmallImage("app", "v1", "metrics");
        // A blob (the layer) and the manifest: two events wait while the receiver is down.
        awaitScrape(scrape, s -> s.value("berth_notifications_failed_total", "endpoint", "hook")
            >= 2 && s.value("berth_notifications_queue_length", "endpoint", "hook") == 2);
        receiver.restart();
        awaitScrape(scrape, s -> s.value("berth_notifications_delivered_total", "endpoint",
            "hook") == 2);
        assertEquals(2, receiver.events().size());
      }
    }
  }

  private static void awaitScrape(URI scrape, Predicate<Scrape> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Scrape last = Scrape.of(scrape);
    while (!done.test(last)) {
      assertTrue(System.nanoTime() < deadline, "scrapes never showed it");
      last = Scrape.of(scrape);
    }
  }
}
