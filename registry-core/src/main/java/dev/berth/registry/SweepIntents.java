package dev.berth.registry;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The handshake that closes the race between a sweep on one instance and a write on another
 * (docs/design/gc.md, "Several instances"), where neither can take the other's locks.
 *
 * <p>The collector announces a digest ({@code _berth/gc/sweeping/<alg>-<hex>}) before it looks at
 * the object's age for the last time, deletes it (or spares it), and withdraws the announcement.
 * A writer touches what it references, then lists the announcements, and only then checks that
 * the objects are still there. Either the listing came before the announcement, so the touch came
 * before the collector's last look and the collector sees it and spares the object; or the writer
 * sees the announcement and waits for it to go, then looks again; or the collector had finished
 * before the listing, and then the writer's check finds the object gone. In no order does a write
 * succeed while its object is deleted under it.
 *
 * <p>An announcement whose collector died stays behind: writers ignore one older than
 * {@link #STALE}, and a collector deletes only within {@link #VALID} of announcing (by its own
 * monotonic clock), so a collector that stalls longer leaves the object for its next run.
 */
final class SweepIntents {
  /** A collector deletes under an announcement only this long after writing it. */
  static final Duration VALID = Duration.ofSeconds(10);
  /** Writers ignore announcements older than this (their collector died or stalled). */
  static final Duration STALE = Duration.ofSeconds(30);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final Storage storage;
  private final Clock clock;

  SweepIntents(Storage storage, Clock clock) {
    this.storage = storage;
    this.clock = clock;
  }

  /** An announcement made; {@link #stillValid} says whether its collector may still delete. */
  record Announcement(Digest digest, long madeAtNanos) {
    boolean stillValid() {
      return System.nanoTime() - madeAtNanos < VALID.toNanos();
    }
  }

  /** Announces that {@code digest} is about to be deleted. */
  Announcement announce(Digest digest, String collector) {
    long now = System.nanoTime();
    storage.write(StoragePaths.gcSweeping(digest), collector.getBytes(StandardCharsets.UTF_8),
        false);
    return new Announcement(digest, now);
  }

  void withdraw(Announcement announcement) {
    storage.delete(StoragePaths.gcSweeping(announcement.digest()));
  }

  /** Removes every announcement: those of a collector that died (called under the lease). */
  void clearAll() {
    storage.delete(StoragePaths.gcSweepingDirectory());
  }

  /**
   * Waits while a collector announces that it is deleting one of {@code digests}.
   *
   * @return true when one was announced: what the caller touched may be gone, so it must look
   *     again (touch, then call this again)
   */
  boolean awaitNone(Collection<Digest> digests) {
    Set<String> announced = new HashSet<>(storage.list(StoragePaths.gcSweepingDirectory()));
    if (announced.isEmpty()) {
      return false;
    }
    Set<Digest> waiting = new HashSet<>();
    for (Digest d : digests) {
      if (announced.contains(StoragePaths.entryName(d))) {
        waiting.add(d);
      }
    }
    // One whose collector died (older than STALE) is as good as none.
    waiting.removeIf(d -> gone(StoragePaths.gcSweeping(d)));
    if (waiting.isEmpty()) {
      return false;
    }
    long giveUp = System.nanoTime() + STALE.toNanos();
    while (!waiting.isEmpty() && System.nanoTime() < giveUp) {
      waiting.removeIf(d -> gone(StoragePaths.gcSweeping(d)));
      if (!waiting.isEmpty()) {
        LockSupport.parkNanos(POLL_NANOS);
      }
    }
    return true;
  }

  private boolean gone(String path) {
    Optional<StorageEntry> entry = storage.stat(path);
    Instant staleBefore = clock.instant().minus(STALE);
    return entry.isEmpty() || entry.get().modified().isBefore(staleBefore);
  }
}
