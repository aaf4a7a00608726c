package dev.berth.registry.servlet;

import java.util.List;

/**
 * Told of every request the servlet serves: when it starts (for an in-flight gauge) and when its
 * answer is complete (for counters, histograms and the access log). Called on request threads:
 * an implementation must not block (docs/design/metrics.md).
 */
public interface RequestObserver {

  /** Observes nothing. */
  RequestObserver NONE = record -> { };

  /** A request for {@code route} ({@link Route#handlerName()}) began. */
  default void started(String route, String method) {}

  /** A request's answer is complete (or the client went away). */
  void completed(RequestRecord record);

  /** Every observer of {@code observers}, in order; {@link #NONE} for none. */
  static RequestObserver all(List<RequestObserver> observers) {
    List<RequestObserver> list = observers.stream().filter(o -> o != NONE).toList();
    if (list.isEmpty()) {
      return NONE;
    }
    if (list.size() == 1) {
      return list.get(0);
    }
    return new RequestObserver() {
      @Override
      public void started(String route, String method) {
        list.forEach(o -> o.started(route, method));
      }

      @Override
      public void completed(RequestRecord record) {
        list.forEach(o -> o.completed(record));
      }
    };
  }
}
