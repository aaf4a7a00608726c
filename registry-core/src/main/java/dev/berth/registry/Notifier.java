package dev.berth.registry;

import dev.berth.registry.events.Event;
import dev.berth.registry.events.EventSink;
import dev.berth.registry.events.NotificationEndpoint;
import dev.berth.registry.events.NotificationStats;
import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.storage.Storage;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The registry's {@link EventSink} when endpoints are configured: each event goes to every
 * endpoint that takes it, into its outbox (durable actions) or its memory queue (pulls), and one
 * daemon thread per endpoint sends them (docs/design/webhooks.md).
 */
final class Notifier implements EventSink {
  private final List<EndpointDelivery> deliveries;
  /** Names outbox entries: unique to this instance, so two instances never write one name. */
  private final String instance = UUID.randomUUID().toString().substring(0, 8);
  private long lastMillis;
  private long sequence;
  private final Clock clock;

  private Notifier(List<EndpointDelivery> deliveries, Clock clock) {
    this.deliveries = deliveries;
    this.clock = clock;
  }

  static Notifier start(List<NotificationEndpoint> endpoints, Storage storage, Clock clock,
      RegistryMetrics metrics) {
    if (endpoints.stream().allMatch(NotificationEndpoint::disabled)) {
      return new Notifier(List.of(), clock);
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).build();
    Notifier notifier = new Notifier(endpoints.stream()
        .filter(e -> !e.disabled())
        .map(e -> new EndpointDelivery(e, storage, clock, metrics, client)).toList(), clock);
    notifier.deliveries.forEach(EndpointDelivery::start);
    return notifier;
  }

  @Override
  public void emit(Event event) {
    String entry = null;
    for (EndpointDelivery delivery : deliveries) {
      if (!delivery.endpoint().accepts(event)) {
        continue;
      }
      if (event.durable()) {
        if (entry == null) {
          entry = nextEntryName();
        }
        delivery.store(entry, event);
      } else {
        delivery.queue(event);
      }
    }
  }

  @Override
  public boolean wants(String action) {
    return deliveries.stream().anyMatch(d -> !d.endpoint().ignoredActions().contains(action));
  }

  /**
   * Time-ordered: the milliseconds (never going back in this instance), a sequence, the instance.
   * Listing the outbox in name order gives the order events were emitted in, per instance; across
   * instances, to the millisecond.
   */
  private synchronized String nextEntryName() {
    lastMillis = Math.max(lastMillis, clock.millis());
    return String.format("%013d-%012d-%s", lastMillis, sequence++, instance);
  }

  @Override
  public List<NotificationStats> stats() {
    return deliveries.stream().map(EndpointDelivery::stats).toList();
  }

  /** Stops every delivery thread (their events stay in the outbox for the next start). */
  void close() {
    deliveries.forEach(EndpointDelivery::close);
  }
}
