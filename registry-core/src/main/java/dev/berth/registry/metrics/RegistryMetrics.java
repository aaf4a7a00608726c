package dev.berth.registry.metrics;

import dev.berth.registry.gc.GcReport;

/**
 * What the core reports about its work, for a metrics system to count: uploads, storage
 * operations, referrers-index cache lookups, garbage collections, and webhook deliveries. The
 * core depends on no metrics library; a binding (registry-metrics' Prometheus one) implements
 * this, and {@link #NONE} ignores everything.
 *
 * <p>Called on request threads, so an implementation must not block or take a lock: increment a
 * {@code LongAdder} or a library counter (docs/design/metrics.md, "Cost per request"). Every
 * method has a no-op default, so a binding implements what it exports and a new event is not a
 * breaking change.
 */
public interface RegistryMetrics {

  /** Reports nothing. */
  RegistryMetrics NONE = new RegistryMetrics() {
    @Override
    public String toString() {
      return "RegistryMetrics.NONE";
    }
  };

  /** An upload began: a session was started, or a whole blob began to arrive in one request. */
  default void uploadStarted() {}

  /** An upload became a blob of {@code bytes} bytes. */
  default void uploadCompleted(long bytes) {}

  /**
   * An upload ended without a blob: its digest or length did not match, or its body broke off.
   * (A cancelled or expired session is neither completed nor failed.)
   */
  default void uploadFailed() {}

  /**
   * One call to the storage.
   *
   * @param driver the storage's kind ({@code filesystem}, {@code inmemory}, {@code s3})
   * @param action the {@code Storage} method ({@code stat}, {@code read}, {@code write},
   *     {@code writer} for a streamed object from open to commit, {@code move}, {@code delete},
   *     {@code list}, {@code walk}, ...): a small fixed set
   * @param nanos how long it took, failures included
   */
  default void storageAction(String driver, String action, long nanos) {}

  /** A referrers listing found its subject loaded in memory ({@code hit}) or had to load it. */
  default void referrersLookup(boolean hit) {}

  /**
   * The touch of a pulled blob's link was dropped: the queue of touches waiting for a thread was
   * full (the storage is far behind). The blob is then kept from collection by its last touch.
   */
  default void pullTouchDropped() {}

  /** A garbage collection ended; a dry run removes nothing but counts as a run. */
  default void gcCompleted(GcReport report) {}

  /** A garbage collection failed (another one held the lease, or the storage failed). */
  default void gcFailed() {}

  /**
   * The webhook outbox of {@code endpoint} holds {@code events} undelivered events (a gauge: the
   * latest value wins). For the notifications work; {@code endpoint} is a configured name.
   */
  default void notificationQueueLength(String endpoint, long events) {}

  /** An event was delivered to {@code endpoint}. */
  default void notificationDelivered(String endpoint) {}

  /** A delivery attempt to {@code endpoint} failed (it will be retried). */
  default void notificationFailed(String endpoint) {}

  /** A pull event for {@code endpoint} was dropped: its in-memory queue was full. */
  default void notificationDropped(String endpoint) {}
}
