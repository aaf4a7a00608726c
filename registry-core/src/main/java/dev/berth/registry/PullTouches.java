package dev.berth.registry;

import dev.berth.registry.metrics.RegistryMetrics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The touches that blob checks and pulls make (docs/design/gc.md, "the grace period covers the
 * client-side gap"). A pull's is made beside the request ({@link #submit}): on an object store
 * busy serving large GETs a touch (a CopyObject) was seen to take 1.6 s, and every pull of the
 * blob that read its link as old waited for it, once a second, while its bytes could have been
 * flowing. A check's is made on the check's own thread ({@link #runHere}): it answers after its
 * touch in any case (below), and in the queue it would wait behind the touches of other blobs.
 *
 * <p>At most one touch per link is queued or running; a request that finds one joins it. A
 * collection in this process begins only after the touches begun before it have ended
 * ({@link #awaitBegun}), so a check answered before a collection began is protected by its
 * touch.
 *
 * <p>The request ends after the touch it made or found under way (the answer of {@link #submit}
 * and {@link #runHere}): where a touch is a copy of the link onto itself (S3), a copy that read
 * the link before a DELETE of it and wrote after would put the link back, so a client that
 * deletes the blob after its pull or check was answered must find no touch of it still under way.
 * A check waits before its answer; a pull before its last bytes, long after the touch has ended.
 */
final class PullTouches {
  /** How many pull touches may wait for a thread; more are dropped (and said so). */
  static final int QUEUED = 10_000;
  /** At most one warning about dropped touches per this. */
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final ThreadPoolExecutor pool;
  private final RegistryMetrics metrics;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong warnedAt = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private final AtomicLong submitted = new AtomicLong();
  private final ConcurrentSkipListSet<Long> pending = new ConcurrentSkipListSet<>();
  private final ConcurrentHashMap<String, CompletableFuture<Void>> queued =
      new ConcurrentHashMap<>();
  private final Object ended = new Object();

  PullTouches(RegistryMetrics metrics) {
    this(QUEUED, metrics);
  }

  PullTouches(int queued, RegistryMetrics metrics) {
    this.metrics = metrics;
    pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queued),
        r -> {
          Thread t = new Thread(r, "berth-pull-touch");
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
  }

  /**
   * Runs {@code touch} soon on another thread, unless one for {@code link} is queued or running.
   * A touch that fails, or finds no room in the queue, is dropped (the latter counted and
   * warned of): the next check or pull of the blob after the touch interval tries again.
   *
   * @return what ends with the touch submitted or found queued, for {@link #await}
   */
  CompletableFuture<Void> submit(String link, Runnable touch) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> found = queued.putIfAbsent(link, mine);
    if (found != null) {
      return found;
    }
    long number = begin();
    try {
      pool.execute(() -> run(link, mine, number, touch));
    } catch (RejectedExecutionException e) {
      finish(link, mine, number);
      droppedOne();
    }
    return mine;
  }

  /**
   * Counts a touch the full queue refused (here and in the metrics), and says so at most once a
   * minute: the storage is far behind, and a pulled blob that was not touched is kept by its last
   * touch's time only.
   */
  private void droppedOne() {
    long all = dropped.incrementAndGet();
    metrics.pullTouchDropped();
    long last = warnedAt.get();
    long now = System.nanoTime();
    if (now - last >= WARN_EVERY_NANOS && warnedAt.compareAndSet(last, now)) {
      System.getLogger(PullTouches.class.getName()).log(System.Logger.Level.WARNING,
          "berth: " + all + " touches of pulled blobs dropped since the start: the storage is"
          + " behind, " + pool.getQueue().size() + " are waiting; a pulled blob is kept from"
          + " collection by its last touch only");
    }
  }

  /** How many touches of pulls the full queue refused. */
  long dropped() {
    return dropped.get();
  }

  /**
   * Runs {@code touch} on the calling thread, unless one for {@code link} is queued or running:
   * what a check does, which answers only after its touch anyway, so that it never waits in the
   * queue behind the touches of other blobs (four slow copies would hold it up to their end).
   * A failed touch is dropped, as in {@link #submit}.
   *
   * @return what ends with the touch made here (then ended) or found under way, for {@link #await}
   */
  CompletableFuture<Void> runHere(String link, Runnable touch) {
    CompletableFuture<Void> mine = new CompletableFuture<>();
    CompletableFuture<Void> found = queued.putIfAbsent(link, mine);
    if (found != null) {
      return found;
    }
    run(link, mine, begin(), touch);
    return mine;
  }

  /** Numbers a touch that {@link #awaitBegun} waits for until it has ended. */
  private long begin() {
    long number = submitted.incrementAndGet();
    pending.add(number);
    return number;
  }

  private void run(String link, CompletableFuture<Void> mine, long number, Runnable touch) {
    try {
      touch.run();
    } catch (RuntimeException e) {
      // Best effort, see submit.
    } finally {
      finish(link, mine, number);
    }
  }

  private void finish(String link, CompletableFuture<Void> mine, long number) {
    queued.remove(link, mine);
    end(number);
    mine.complete(null);
  }

  /**
   * Waits for a touch {@link #submit} answered, at most {@code max}: a touch stalled longer is
   * left to finish on its own (gc.md says what that leaves open).
   */
  static void await(CompletableFuture<Void> touch, Duration max) {
    try {
      touch.get(max.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Ended without the touch, or still under way: nothing more to wait for here.
    }
  }

  private void end(long number) {
    pending.remove(number);
    synchronized (ended) {
      ended.notifyAll();
    }
  }

  /**
   * Waits, at most {@code max}, until every touch begun before this call (queued, or made on a
   * check's thread) has ended.
   */
  void awaitBegun(Duration max) {
    long upTo = submitted.get();
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (ended) {
      while (!pending.isEmpty() && pending.first() <= upTo) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          ended.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  void shutdown() {
    pool.shutdownNow();
  }
}
