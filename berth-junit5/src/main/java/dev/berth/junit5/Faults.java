package dev.berth.junit5;

import dev.berth.registry.servlet.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The faults in force: injected by a test, all removed before the next one. Thread-safe.
 *
 * <pre>{@code
 * faults.inject(Fault.status(503).on(Route.BLOB).times(1));
 * faults.disableReferrersApi();   // 404 on the referrers API, as a registry without it
 * }</pre>
 */
public final class Faults {

  /** An injected fault and how many more requests it may still shape (-1: no limit). */
  private static final class Armed {
    final Fault fault;
    int left;

    Armed(Fault fault) {
      this.fault = fault;
      this.left = fault.times;
    }
  }

  private final List<Armed> armed = new ArrayList<>();
  private boolean referrersApiOff;

  Faults() {}

  /** Puts a fault in force for the rest of the test (or its {@link Fault#times(int)}). */
  public synchronized Faults inject(Fault fault) {
    armed.add(new Armed(fault));
    return this;
  }

  /**
   * Switches the referrers API off: {@code GET /v2/<name>/referrers/<digest>} (and the ORAS
   * route) answer 404, and manifest PUTs no longer carry {@code OCI-Subject}, as a registry
   * without the API answers. Clients then fall back to the {@code sha256-<hex>} tag schema.
   */
  public synchronized Faults disableReferrersApi() {
    referrersApiOff = true;
    return this;
  }

  /** Removes every fault and switches the referrers API back on. */
  public synchronized void clear() {
    armed.clear();
    referrersApiOff = false;
  }

  synchronized boolean referrersApiOff() {
    return referrersApiOff;
  }

  /** What applies to one request; matching uses up one of each fault's times. */
  synchronized Plan plan(String method, Optional<Route> route, Optional<String> repository) {
    Duration delay = Duration.ZERO;
    Fault answer = null;
    long cut = -1;
    List<String> warnings = new ArrayList<>();
    List<String> applied = new ArrayList<>();
    for (Armed a : armed) {
      if (a.left == 0 || !a.fault.matches(method, route, repository)) {
        continue;
      }
      Fault f = a.fault;
      if (f.kind == Fault.Kind.STATUS && answer != null) {
        continue;
      }
      if (a.left > 0) {
        a.left--;
      }
      applied.add(f.toString());
      switch (f.kind) {
        case STATUS -> answer = f;
        case DELAY -> delay = delay.plus(f.delay);
        case CUT -> cut = cut < 0 ? f.cutAfter : Math.min(cut, f.cutAfter);
        case WARNING -> warnings.add(f.warning);
      }
    }
    boolean referrersRoute = route.filter(r -> r == Route.REFERRERS || r == Route.ORAS_REFERRERS)
        .isPresent();
    boolean hideReferrers = referrersApiOff && referrersRoute;
    if (hideReferrers && answer == null) {
      applied.add("referrers API off");
    }
    boolean stripSubject = referrersApiOff && route.orElse(null) == Route.MANIFEST;
    return new Plan(delay, answer, hideReferrers, cut, List.copyOf(warnings), stripSubject,
        applied.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", applied)));
  }

  /**
   * What the test handler does with one request.
   *
   * @param answer a status fault that answers instead of the registry, or null
   * @param notFound answer 404 (the referrers API is off)
   * @param cutAfter cut the connection after this many body bytes, or -1
   * @param stripSubject leave {@code OCI-Subject} out of the answer
   * @param description the faults applied, for the journal
   */
  record Plan(Duration delay, Fault answer, boolean notFound, long cutAfter,
      List<String> warnings, boolean stripSubject, Optional<String> description) {
    static final Plan NONE = new Plan(Duration.ZERO, null, false, -1, List.of(), false,
        Optional.empty());
  }
}
