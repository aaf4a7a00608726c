package dev.berth.registry;

import dev.berth.registry.events.Event;
import dev.berth.registry.events.EventJson;
import dev.berth.registry.events.NotificationEndpoint;
import dev.berth.registry.events.NotificationStats;
import dev.berth.registry.gc.CollectionInProgressException;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * One endpoint's delivery thread (docs/design/webhooks.md). Durable events wait in the endpoint's
 * outbox in storage, {@code _berth/outbox/<endpoint>/<time-ordered name>}, and are sent oldest
 * first, in batches, by whichever instance holds the endpoint's lease (so one instance sends each
 * and the order holds); an entry is deleted once the receiver accepted it. Pulls wait in a bounded
 * queue in memory and are sent by the instance that saw them.
 */
final class EndpointDelivery implements Runnable {
  static final int BATCH = 32;
  static final int PULL_QUEUE = 4096;
  /** How often an idle thread looks at the outbox (others' events, a lapsed lease). */
  static final Duration POLL = Duration.ofMillis(500);
  /** An endpoint's lease: short, so that a killed holder delays delivery by seconds only. */
  static final Duration LEASE_TERM = Duration.ofSeconds(10);
  private static final System.Logger LOG = System.getLogger("berth.notifications");

  private final NotificationEndpoint endpoint;
  private final Storage storage;
  private final Clock clock;
  private final RegistryMetrics metrics;
  private final HttpClient client;
  private final String directory;
  private final GcLease.Kind leaseKind;
  private final ArrayBlockingQueue<byte[]> pulls = new ArrayBlockingQueue<>(PULL_QUEUE);
  /** Pulls taken from the queue whose delivery failed: sent again first. */
  private final List<byte[]> unsentPulls = new ArrayList<>();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final Object wake = new Object();
  private boolean woken;
  private volatile long queueLength;
  private volatile int failuresInRow;
  private volatile boolean running = true;
  private GcLease lease;
  private final Thread thread;

  EndpointDelivery(NotificationEndpoint endpoint, Storage storage, Clock clock,
      RegistryMetrics metrics, HttpClient client) {
    this.endpoint = endpoint;
    this.storage = storage;
    this.clock = clock;
    this.metrics = metrics;
    this.client = client;
    this.directory = StoragePaths.outboxDirectory(endpoint.name());
    this.leaseKind = new GcLease.Kind(StoragePaths.outboxLeaseDirectory(endpoint.name()),
        "delivery to " + endpoint.name(), LEASE_TERM, LEASE_TERM.dividedBy(3));
    this.thread = new Thread(this, "berth-notify-" + endpoint.name());
    thread.setDaemon(true);
  }

  NotificationEndpoint endpoint() {
    return endpoint;
  }

  void start() {
    thread.start();
  }

  /** Writes the event's outbox entry, flushed: it returns once the event survives a crash. */
  void store(String entryName, Event event) {
    storage.write(directory + "/" + entryName, EventJson.bytes(event), true);
    signal();
  }

  /** Queues a pull in memory; when the queue is full it is dropped and counted. */
  void queue(Event event) {
    if (!pulls.offer(EventJson.bytes(event))) {
      dropped.increment();
      metrics.notificationDropped(endpoint.name());
      return;
    }
    signal();
  }

  NotificationStats stats() {
    return new NotificationStats(endpoint.name(), queueLength, delivered.sum(), failed.sum(),
        dropped.sum(), failuresInRow >= endpoint.threshold());
  }

  private void signal() {
    synchronized (wake) {
      woken = true;
      wake.notifyAll();
    }
  }

  @Override
  public void run() {
    while (running) {
      boolean sent;
      try {
        sent = deliverStored() || deliverPulls();
      } catch (DeliveryFailed | RuntimeException e) {
        failedAttempt(e);
        continue;
      }
      if (!sent) {
        await(POLL);
      }
    }
  }

  /** One batch from the outbox, if this instance holds the endpoint's lease. */
  private boolean deliverStored() throws DeliveryFailed {
    if (!holdsLease()) {
      queueLength = pulls.size() + unsentPulls.size();
      return false;
    }
    List<String> names = storage.list(directory);
    queueLength = names.size() + pulls.size() + unsentPulls.size();
    metrics.notificationQueueLength(endpoint.name(), queueLength);
    if (names.isEmpty()) {
      return false;
    }
    List<String> batch = names.subList(0, Math.min(BATCH, names.size()));
    List<byte[]> events = new ArrayList<>();
    List<String> read = new ArrayList<>();
    for (String name : batch) {
      try {
        events.add(storage.read(directory + "/" + name));
        read.add(name);
      } catch (ObjectNotFoundException gone) {
        // Delivered and deleted by an instance that held the lease before us.
      }
    }
    if (!events.isEmpty()) {
      post(events);
    }
    for (String name : read) {
      storage.delete(directory + "/" + name);
    }
    return true;
  }

  private boolean deliverPulls() throws DeliveryFailed {
    if (unsentPulls.isEmpty()) {
      pulls.drainTo(unsentPulls, BATCH);
    }
    if (unsentPulls.isEmpty()) {
      return false;
    }
    post(unsentPulls);
    unsentPulls.clear();
    return true;
  }

  private boolean holdsLease() {
    try {
      if (lease == null) {
        lease = GcLease.acquire(storage, clock, leaseKind);
      } else {
        lease.check();
      }
      return true;
    } catch (CollectionInProgressException held) {
      lease = null;
      return false;
    }
  }

  private void post(List<byte[]> events) throws DeliveryFailed {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.url())
        .timeout(endpoint.timeout())
        .header("Content-Type", endpoint.cloudEvents() ? EventJson.CLOUD_EVENTS_BATCH
            : EventJson.ENVELOPE)
        .POST(HttpRequest.BodyPublishers.ofString(EventJson.body(events, endpoint.cloudEvents())));
    endpoint.headers().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
    int status;
    try {
      status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new DeliveryFailed(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryFailed("interrupted");
    }
    // As distribution's HTTP sink: any 2xx or 3xx is an acknowledgement.
    if (status < 200 || status >= 400) {
      throw new DeliveryFailed("HTTP " + status);
    }
    if (failuresInRow >= endpoint.threshold()) {
      LOG.log(Level.INFO, "notifications: endpoint " + endpoint.name() + " accepts events again");
    }
    failuresInRow = 0;
    delivered.add(events.size());
    for (int i = 0; i < events.size(); i++) {
      metrics.notificationDelivered(endpoint.name());
    }
  }

  /** Counts a failed attempt and waits: backoff, doubling per failure in a row, up to 32x. */
  private void failedAttempt(Exception e) {
    if (!running) {
      return;
    }
    failed.increment();
    metrics.notificationFailed(endpoint.name());
    int n = ++failuresInRow;
    if (n == endpoint.threshold()) {
      LOG.log(Level.WARNING, "notifications: endpoint " + endpoint.name() + " is failing after "
          + n + " attempts (" + e.getMessage() + "); its events are kept and retried");
    }
    await(endpoint.backoff().multipliedBy(1L << Math.min(n - 1, 5)));
  }

  private void await(Duration duration) {
    long deadline = System.nanoTime() + duration.toNanos();
    synchronized (wake) {
      try {
        while (running && !woken) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          wake.wait(Math.max(1, left / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
      woken = false;
    }
  }

  /** Stops the thread and gives the lease up, so that another instance takes over at once. */
  void close() {
    running = false;
    signal();
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (lease != null && !thread.isAlive()) {
      try {
        lease.close();
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "notifications: lease of " + endpoint.name() + " not released", e);
      }
    }
  }

  private static final class DeliveryFailed extends Exception {
    private static final long serialVersionUID = 1L;

    DeliveryFailed(String message) {
      super(message, null, false, false);
    }
  }
}
