package dev.berth.registry.events;

/**
 * What one endpoint's delivery did so far in this instance.
 *
 * @param queueLength events waiting: the stored outbox (as last listed by the instance that
 *     delivers it) plus the pulls queued in memory
 * @param delivered events the receiver accepted (2xx)
 * @param failed delivery attempts that failed (each will be retried)
 * @param dropped pull events dropped because the in-memory queue was full
 * @param failing whether the last {@code threshold} attempts failed
 */
public record NotificationStats(String endpoint, long queueLength, long delivered, long failed,
    long dropped, boolean failing) {}
