package dev.berth.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs a sweep's deletes on a few threads. A blob delete is a handful of storage calls that wait
 * on the kernel and the disk (unlink and rmdir of the data, its folder and each repository's link)
 * or on an object store's answers, so several in flight finish sooner even on few cores. Each item
 * is still handled whole by one thread, exactly as one thread would handle it.
 */
final class SweepThreads {
  private SweepThreads() {}

  /** Applies {@code action} to every item on {@code threads} threads; the first failure stops it. */
  static <T> void forEach(List<T> items, int threads, Consumer<T> action) {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "berth-gc-sweep");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        workers.add(pool.submit(() -> {
          for (int at; (at = next.getAndIncrement()) < items.size(); ) {
            action.accept(items.get(at));
          }
        }));
      }
      RuntimeException failure = null;
      for (Future<?> worker : workers) {
        try {
          worker.get();
        } catch (ExecutionException e) {
          // Stop handing out work, then report the first failure as it was thrown.
          next.set(items.size());
          if (failure == null) {
            failure = e.getCause() instanceof RuntimeException re ? re
                : new IllegalStateException("sweep failed", e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          next.set(items.size());
          failure = new IllegalStateException("interrupted while sweeping", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
