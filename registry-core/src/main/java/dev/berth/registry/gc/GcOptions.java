package dev.berth.registry.gc;

import java.time.Duration;
import java.util.Objects;

/**
 * How a collection runs.
 *
 * @param dryRun find what would go, delete nothing
 * @param deleteUntagged collect untagged manifests that nothing keeps (else every untagged manifest
 *     that is not a referrer is a root)
 * @param gracePeriod objects written or touched within this period before the collection starts are
 *     never collected; {@code Duration.ZERO} collects everything unreachable at once
 * @param listener told about each removal as it happens
 */
public record GcOptions(boolean dryRun, boolean deleteUntagged, Duration gracePeriod,
    GcListener listener) {

  public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofHours(1);

  public GcOptions {
    Objects.requireNonNull(gracePeriod, "gracePeriod");
    if (gracePeriod.isNegative()) {
      throw new IllegalArgumentException("negative grace period " + gracePeriod);
    }
    listener = listener == null ? GcListener.NONE : listener;
  }

  public static GcOptions defaults() {
    return new GcOptions(false, false, DEFAULT_GRACE_PERIOD, GcListener.NONE);
  }

  public GcOptions withDryRun(boolean value) {
    return new GcOptions(value, deleteUntagged, gracePeriod, listener);
  }

  public GcOptions withDeleteUntagged(boolean value) {
    return new GcOptions(dryRun, value, gracePeriod, listener);
  }

  public GcOptions withGracePeriod(Duration value) {
    return new GcOptions(dryRun, deleteUntagged, value, listener);
  }

  public GcOptions withListener(GcListener value) {
    return new GcOptions(dryRun, deleteUntagged, gracePeriod, value);
  }
}
