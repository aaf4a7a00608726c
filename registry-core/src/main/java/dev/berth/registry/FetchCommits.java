package dev.berth.registry;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Commits of fetched blobs (flush, place, link) run here, off the path of the client that read
 * the fetch: once the body's digest is verified and its last byte handed out, the client's
 * answer need not wait for the disk. Flushing a few MiB costs 10-60 ms on a busy disk, per blob,
 * which was half of a cold image pull (bench {@code proxy} group, docs/design/proxy.md).
 *
 * <p>A few threads, because flushes of different files overlap (they share journal commits).
 * The queue is bounded: when the disk falls behind the upstream, a full queue runs the commit
 * on the fetching thread, before the client's last byte, as if there were no queue (each queued
 * commit holds an open temporary file). Closing waits for the queued commits; a commit submitted
 * after that runs on its caller (never dropped: clients wait for the fetch's end).
 */
final class FetchCommits {
  private static final int THREADS = 4;
  private static final int QUEUED = 64;
  private static final AtomicInteger NAMES = new AtomicInteger();

  private final ThreadPoolExecutor pool;

  private FetchCommits() {
    this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUED), r -> {
          Thread t = new Thread(r, "berth-proxy-commit-" + NAMES.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, (commit, refused) -> commit.run()); // full or closing: the caller commits
    pool.allowCoreThreadTimeOut(true);
  }

  static FetchCommits create() {
    return new FetchCommits();
  }

  /**
   * Runs {@code commit} soon on a commit thread, or now on this one when the queue is full or
   * the registry is closing. {@code commit} handles its own failures.
   */
  void submit(Runnable commit) {
    pool.execute(commit);
  }

  /** Lets the queued commits finish (up to {@code wait}); later ones run on their callers. */
  void close(Duration wait) {
    pool.shutdown();
    try {
      if (!pool.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        System.getLogger(FetchCommits.class.getName()).log(System.Logger.Level.WARNING,
            "closing with fetched blobs not committed after " + wait + ": they are fetched"
            + " again on their next pull");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
