package dev.berth.registry.servlet;

import dev.berth.registry.Registry;
import dev.berth.registry.gc.CollectionInProgressException;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.upstream.CacheEviction;
import dev.berth.registry.servlet.config.Settings;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The scheduled work of a serving registry: purging expired uploads ({@code uploads.purgeInterval})
 * and collecting garbage ({@code gc.interval}, after a pull-through cache's eviction), on one
 * daemon thread. The launcher and a servlet
 * container that builds its registry from init params run the same schedule. Both pause while the
 * registry is read-only ({@link Registry#readOnly()}), as distribution's maintenance mode expects
 * an operator's own garbage collection to run meanwhile. A turn that finds the GC lease held (by
 * another instance over the same bucket) is skipped and reported as such, not as a failure.
 */
public final class Maintenance implements AutoCloseable {

  /** How long {@link #close()} waits for a running task to stop. */
  static final Duration STOP_WAIT = Duration.ofSeconds(10);

  private final ScheduledExecutorService executor;

  private Maintenance(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /**
   * Starts the schedule the settings ask for.
   *
   * @param report told what each run did, one line each (the library prints nothing itself)
   */
  public static Maintenance start(Registry registry, Settings settings, Consumer<String> report) {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "berth-maintenance");
      t.setDaemon(true);
      return t;
    });
    boolean dryRun = settings.bool("uploads.purgeDryRun");
    schedule(executor, settings.duration("uploads.purgeInterval"), report, () -> {
      if (registry.readOnly()) {
        return;
      }
      int purged = registry.purgeUploads(dryRun);
      if (purged > 0) {
        report.accept((dryRun ? "would purge " : "purged ") + purged
            + " expired upload sessions" + (dryRun ? " (uploads.purgeDryRun)" : ""));
      }
    });
    GcOptions gc = GcOptions.defaults()
        .withGracePeriod(settings.duration("gc.gracePeriod"))
        .withDeleteUntagged(settings.bool("gc.deleteUntagged"));
    schedule(executor, settings.duration("gc.interval"), report, () -> {
      if (registry.readOnly()) {
        report.accept("gc: skipped, the registry is read-only");
        return;
      }
      // Eviction first (a pull-through cache's limits): what it untags, this collection takes.
      CacheEviction evicted = registry.evictProxyCache();
      if (evicted.tagsEvicted() > 0) {
        report.accept("proxy: " + evicted.summary());
      }
      try {
        report.accept("gc: " + registry.collectGarbage(gc).summary());
      } catch (CollectionInProgressException e) {
        // Another instance over the same storage (or an operator's `berth gc`) holds the lease:
        // the storage is being collected, which is what this turn wanted. Not a failure.
        report.accept("gc: skipped, another collection holds the lease (" + e.holder()
            + ", until " + e.until() + ")");
      }
    });
    return new Maintenance(executor);
  }

  private static void schedule(ScheduledExecutorService executor, Duration every,
      Consumer<String> report, Runnable task) {
    if (every.isZero()) {
      return;
    }
    executor.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        report.accept(executor.isShutdown() ? "maintenance: stopped, the registry is closing ("
            + e.getMessage() + ")" : "maintenance task failed: " + e);
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Stops the schedule. A task that is running is interrupted and waited for, up to
   * {@link #STOP_WAIT}: a collection stops at its next step and gives its lease back while the
   * storage is still open (the caller closes the registry next).
   */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
