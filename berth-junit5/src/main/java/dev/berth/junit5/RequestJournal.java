package dev.berth.junit5;

import dev.berth.registry.servlet.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;

/**
 * Every request the registry served during the current test, in the order they completed:
 * {@code journal.requestCount(RequestPattern.put(Route.MANIFEST))}, {@code journal.verify(2,
 * RequestPattern.get(Route.BLOB).repository("app"))}. Reset before each test.
 *
 * <p>An exchange is recorded when its response is complete. A request whose last byte the client
 * has read is therefore always in the journal by the time the client returns: reading the journal
 * waits (briefly) for exchanges whose answer was already sent in full.
 */
public final class RequestJournal {

  /** How long a read waits for exchanges that sent their last byte but are not recorded yet. */
  private static final Duration SETTLE = Duration.ofSeconds(2);

  private final List<RecordedRequest> requests = new ArrayList<>();
  /** Exchanges whose last write is under way: they complete in microseconds. */
  private int finishing;

  RequestJournal() {}

  /** The recorded requests, oldest first. */
  public List<RecordedRequest> requests() {
    synchronized (this) {
      settle();
      return List.copyOf(requests);
    }
  }

  /** The recorded requests that match. */
  public List<RecordedRequest> requests(RequestPattern pattern) {
    return requests().stream().filter(pattern).toList();
  }

  /** How many recorded requests match. */
  public int requestCount(RequestPattern pattern) {
    return requests(pattern).size();
  }

  /** How many recorded requests went to a route. */
  public int requestCount(Route route) {
    return requestCount(RequestPattern.route(route));
  }

  /** Passes when at least one recorded request matches; fails listing the journal otherwise. */
  public void verify(RequestPattern pattern) {
    List<RecordedRequest> all = requests();
    if (all.stream().noneMatch(pattern)) {
      throw failure("expected at least one request: " + pattern, "at least 1", 0, all);
    }
  }

  /** Passes when exactly {@code times} recorded requests match; fails listing the journal. */
  public void verify(int times, RequestPattern pattern) {
    List<RecordedRequest> all = requests();
    long n = all.stream().filter(pattern).count();
    if (n != times) {
      throw failure("expected " + times + " request" + (times == 1 ? "" : "s") + ": " + pattern
          + ", found " + n, times, n, all);
    }
  }

  /** Passes when no recorded request matches. */
  public void verifyNever(RequestPattern pattern) {
    verify(0, pattern);
  }

  /** Answers the registry itself gave with a 5xx status (not those a fault injected). */
  public List<RecordedRequest> serverErrors() {
    return requests().stream().filter(r -> r.isServerError() && !r.injected()).toList();
  }

  /** Forgets every recorded request (the extension does this before each test). */
  public void clear() {
    synchronized (this) {
      requests.clear();
    }
  }

  private static AssertionFailedError failure(String message, Object expected, Object actual,
      List<RecordedRequest> all) {
    String journal = all.isEmpty() ? "  (no requests)"
        : all.stream().map(r -> "  " + r).collect(Collectors.joining("\n"));
    return new AssertionFailedError(message + "\nrecorded requests:\n" + journal, expected, actual);
  }

  /** Called when an exchange is about to send its last bytes. */
  synchronized void finishing() {
    finishing++;
  }

  /** Records a completed exchange; {@code wasFinishing} when {@link #finishing()} was called. */
  synchronized void record(RecordedRequest request, boolean wasFinishing) {
    requests.add(request);
    if (wasFinishing && finishing > 0) {
      finishing--;
    }
    notifyAll();
  }

  private void settle() {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    while (finishing > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        // An exchange that never completed (Jetty gave up on it): do not wait for it again.
        finishing = 0;
        return;
      }
      try {
        wait(Math.max(1, left / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
