package dev.berth.registry;

import com.google.common.util.concurrent.Striped;
import dev.berth.registry.oci.Digest;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.Lock;
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
 *       lock and checks that it exists; the sweep checks the modification time and deletes under
 *       the same lock. The two never interleave.
 * </ul>
 */
final class WriteFence {

  private final ReentrantReadWriteLock barrier = new ReentrantReadWriteLock();
  private final Striped<Lock> objectLocks = Striped.lock(1024);
  private final Clock clock;

  WriteFence(Clock clock) {
    this.clock = clock;
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
    barrier.writeLock().lock();
    try {
      return clock.instant();
    } finally {
      barrier.writeLock().unlock();
    }
  }

  /** The lock that orders touches and sweeps of one object. */
  public Lock lockFor(Digest digest) {
    return objectLocks.get(digest);
  }

  /** The lock for a non-blob object (a repository's manifest revision). */
  public Lock lockFor(String key) {
    return objectLocks.get(key);
  }
}
