package dev.berth.registry;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that digest uploads beside the request threads ({@link DigestingSink}): one per
 * core, daemon, gone after a minute idle; uploads beyond that queue their buffers. One set per
 * {@link Registry}, shut down by {@link Registry#close()}.
 */
final class DigestThreads implements Executor {
  private final ThreadPoolExecutor pool;

  DigestThreads() {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "berth-digest");
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
  }

  @Override
  public void execute(Runnable task) {
    pool.execute(task);
  }

  void shutdown() {
    pool.shutdown();
  }
}
