package dev.berth.launcher;

import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT as a request to stop, which the serve command answers with a graceful stop and
 * exit code 0. A JVM stopping on its own for a signal exits with 143 after its shutdown hooks; a
 * handler of the signal lets the main thread stop the server and choose the code. Where the JDK
 * lacks {@code sun.misc.Signal}, a shutdown hook still stops the server (exit code 143).
 */
final class Signals {
  private Signals() {}

  /** A latch that a SIGTERM or SIGINT opens. */
  static CountDownLatch termination() {
    CountDownLatch latch = new CountDownLatch(1);
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> latch.countDown());
      }
    } catch (LinkageError | IllegalArgumentException | UnsupportedOperationException e) {
      // No signal API here (or the signal is taken): the shutdown hook of the caller stops.
    }
    return latch;
  }
}
