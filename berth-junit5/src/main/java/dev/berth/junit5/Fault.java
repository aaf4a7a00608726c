package dev.berth.junit5;

import dev.berth.registry.servlet.Route;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A way for the registry to misbehave, to test a client's resilience. Immutable; inject it with
 * {@link Faults#inject(Fault)}:
 *
 * <pre>{@code
 * faults.inject(Fault.status(503).on(Route.BLOB).times(2));          // two 503s, then normal
 * faults.inject(Fault.status(429).retryAfter(Duration.ofSeconds(1)).on(Route.MANIFEST, "PUT"));
 * faults.inject(Fault.delay(Duration.ofMillis(300)).repository("app"));
 * faults.inject(Fault.cutAfter(1024).on(Route.BLOB, "GET"));        // a short body, then EOF
 * faults.inject(Fault.warning("this registry is a test double"));
 * }</pre>
 *
 * <p>A fault applies to requests that match its scope (route, method, repository; by default
 * every request), at most {@link #times(int)} times (by default always). Several faults can match
 * one request: delays add up, warnings are all sent, and the first status fault answers in place of
 * the registry.
 */
public final class Fault {

  enum Kind { STATUS, DELAY, CUT, WARNING }

  final Kind kind;
  final int status;
  final Duration retryAfter;
  final Duration delay;
  final long cutAfter;
  final String warning;
  final Route route;
  final String method;
  final String repository;
  final int times;

  private Fault(Kind kind, int status, Duration retryAfter, Duration delay, long cutAfter,
      String warning, Route route, String method, String repository, int times) {
    this.kind = kind;
    this.status = status;
    this.retryAfter = retryAfter;
    this.delay = delay;
    this.cutAfter = cutAfter;
    this.warning = warning;
    this.route = route;
    this.method = method;
    this.repository = repository;
    this.times = times;
  }

  /**
   * Answers with this status (4xx or 5xx) and the distribution-spec's error envelope instead of
   * the registry: {@code UNKNOWN} for 500, {@code UNAVAILABLE} for 503, {@code TOOMANYREQUESTS}
   * for 429, ...; the registry never sees the request.
   */
  public static Fault status(int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a fault's status is 4xx or 5xx, not " + status);
    }
    return new Fault(Kind.STATUS, status, null, null, -1, null, null, null, null, -1);
  }

  /** Holds the request this long before the registry sees it (no thread is held meanwhile). */
  public static Fault delay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("a delay cannot be negative: " + delay);
    }
    return new Fault(Kind.DELAY, 0, null, delay, -1, null, null, null, null, -1);
  }

  /**
   * Sends the first {@code bytes} bytes of the response body, then closes the connection: the
   * client sees a body shorter than its {@code Content-Length} (a download cut off mid-blob).
   */
  public static Fault cutAfter(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("cannot cut after " + bytes + " bytes");
    }
    return new Fault(Kind.CUT, 0, null, null, bytes, null, null, null, null, -1);
  }

  /**
   * Adds a {@code Warning} header to the answer. A text without a code is sent as the spec's
   * form, {@code 299 - "<text>"}; one that starts with a three-digit code is sent as it is.
   */
  public static Fault warning(String text) {
    Objects.requireNonNull(text, "text");
    String value = text.matches("^\\d{3} .*") ? text : "299 - \"" + text.replace("\"", "'")
        + "\"";
    return new Fault(Kind.WARNING, 0, null, null, -1, value, null, null, null, -1);
  }

  /** With a status fault: the {@code Retry-After} header, in whole seconds. */
  public Fault retryAfter(Duration after) {
    if (kind != Kind.STATUS) {
      throw new IllegalStateException("Retry-After goes with a status fault, not " + this);
    }
    return new Fault(kind, status, after, delay, cutAfter, warning, route, method, repository,
        times);
  }

  /** Only requests to this route. */
  public Fault on(Route route) {
    return new Fault(kind, status, retryAfter, delay, cutAfter, warning,
        Objects.requireNonNull(route, "route"), method, repository, times);
  }

  /** Only requests to this route with this method. */
  public Fault on(Route route, String method) {
    return on(route).method(method);
  }

  /** Only requests with this method. */
  public Fault method(String method) {
    return new Fault(kind, status, retryAfter, delay, cutAfter, warning, route,
        method.toUpperCase(Locale.ROOT), repository, times);
  }

  /** Only requests naming this repository. */
  public Fault repository(String repository) {
    return new Fault(kind, status, retryAfter, delay, cutAfter, warning, route, method,
        Objects.requireNonNull(repository, "repository"), times);
  }

  /** At most this many matching requests, then the registry behaves again. */
  public Fault times(int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, not " + times);
    }
    return new Fault(kind, status, retryAfter, delay, cutAfter, warning, route, method,
        repository, times);
  }

  boolean matches(String requestMethod, Optional<Route> requestRoute,
      Optional<String> requestRepository) {
    return (method == null || method.equals(requestMethod))
        && (route == null || requestRoute.orElse(null) == route)
        && (repository == null || requestRepository.filter(repository::equals).isPresent());
  }

  /** {@code status 503 on BLOB GET in app (2 times)}. */
  @Override
  public String toString() {
    String what = switch (kind) {
      case STATUS -> "status " + status + (retryAfter == null ? ""
          : " (Retry-After " + retryAfter.toSeconds() + ")");
      case DELAY -> "delay " + delay.toMillis() + " ms";
      case CUT -> "cut after " + cutAfter + " bytes";
      case WARNING -> "warning " + warning;
    };
    return what + (route == null ? "" : " on " + route) + (method == null ? "" : " " + method)
        + (repository == null ? "" : " in " + repository)
        + (times < 0 ? "" : " (" + times + (times == 1 ? " time)" : " times)"));
  }
}
