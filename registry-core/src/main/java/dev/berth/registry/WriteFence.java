package dev.berth.registry;

import com.google.common.util.concurrent.Striped;
import dev.berth.registry.metrics.RegistryMetrics;
import dev.berth.registry.oci.Digest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Keeps garbage collection from deleting what a concurrent write needs (docs/design/gc.md).
 *
 * <ul>
 *   <li>Writes that make content reachable (manifest PUT, upload completion, mount) run inside
 *       {@link #write}. A collection starts with {@link #beginCollection}, which waits for the writes
 *       in flight and takes its start time T0 between writes: every write either finished before T0
 *       (and the collection's mark phase sees it) or touches what it references after T0.
 *   <li>A write that references an object touches it (modification time = now) under the object's
 *       shared lock and checks that it exists; the sweep checks the modification time and deletes
 *       under the same object's exclusive lock. The two never interleave, and writes of one object
 *       do not wait for each other: a touch, or a write of the bytes a digest names, is the same
 *       whichever writer makes it and in any order (1,000 tags of one image pushed at once touch
 *       the same two links).
 * </ul>
 */
final class WriteFence {

  private final ReentrantReadWriteLock barrier = new ReentrantReadWriteLock();
  /** Collections begun in this process: a touch made before the last one began is not enough. */
  private volatile long collections;
  private final Striped<ReadWriteLock> objectLocks = Striped.readWriteLock(1024);
  private final Clock clock;
  private final PullTouches pullTouches;

  WriteFence(Clock clock, RegistryMetrics metrics) {
    this.clock = clock;
    this.pullTouches = new PullTouches(metrics);
  }

  /** Runs a write that makes content reachable. */
  public <T> T write(Supplier<T> action) {
    barrier.readLock().lock();
    try {
      return action.get();
    } finally {
      barrier.readLock().unlock();
    }
  }

  /** Waits for the writes in flight and returns the collection's start time. */
  public Instant beginCollection() {
    // A check answered before the collection began has its touch in storage before T0.
    pullTouches.awaitBegun(Duration.ofSeconds(10));
    barrier.writeLock().lock();
    try {
      collections++;
      return clock.instant();
    } finally {
      barrier.writeLock().unlock();
    }
  }

  /** The touches of checks and pulls, made beside the request (they count as writes here). */
  PullTouches pullTouches() {
    return pullTouches;
  }

  void shutdown() {
    pullTouches.shutdown();
  }

  /**
   * How many collections began in this process: read inside {@link #write}, it stays the same
   * until the write ends (a collection begins between writes).
   */
  public long collections() {
    return collections;
  }

  /** The lock under which writes touch or write one object: any number of them at once. */
  public Lock sharedLockFor(Digest digest) {
    return objectLocks.get(digest).readLock();
  }

  /**
   * The lock under which a sweep re-checks and deletes one object: it waits for every write
   * holding the shared lock, and they for it.
   */
  public Lock exclusiveLockFor(Digest digest) {
    return objectLocks.get(digest).writeLock();
  }
}
