package dev.berth.registry.events;

/**
 * Where the HTTP layer reports what it did, once the change is durable and before it answers
 * (docs/design/webhooks.md). An event that must survive a crash is stored before {@link #emit}
 * returns; one that need not (a pull) is queued in memory.
 */
public interface EventSink {

  /** Reports nothing: no endpoint is configured. */
  EventSink NONE = new EventSink() {
    @Override
    public void emit(Event event) {}

    @Override
    public boolean wants(String action) {
      return false;
    }
  };

  /**
   * Records {@code event} for every endpoint that does not ignore it.
   *
   * @throws dev.berth.registry.storage.StorageException when a durable event could not be stored
   *     (then the request fails: an acknowledged change always has its event)
   */
  void emit(Event event);

  /** Whether any endpoint takes events of {@code action}: lets callers skip building them. */
  boolean wants(String action);

  /** Each endpoint's delivery so far in this instance (empty without endpoints). */
  default java.util.List<NotificationStats> stats() {
    return java.util.List.of();
  }
}
