package dev.berth.registry.servlet.testing;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages of one java.util.logging logger, captured in-process between {@link #start()} and
 * {@link #close()}: how tests read the access log ({@code berth.access}) a server writes.
 */
public final class LogLines extends Handler {
  private final Logger logger;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private LogLines(String name) {
    this.logger = Logger.getLogger(name); // held here: a logger nobody holds may be collected
  }

  /** A capture of the logger {@code name}, not started. */
  public static LogLines of(String name) {
    return new LogLines(name);
  }

  /** Starts capturing. */
  public LogLines start() {
    logger.addHandler(this);
    return this;
  }

  /** The messages so far, live: it grows as lines are logged. */
  public List<String> lines() {
    return lines;
  }

  /**
   * The message logged after the first {@code before} ones, once it is there (up to 5 s): a
   * server logs a request when its answer is complete, which the client may see a moment before.
   *
   * @return the message, or null if none came
   */
  public String after(int before) {
    Instant deadline = Instant.now().plusSeconds(5);
    while (lines.size() <= before && Instant.now().isBefore(deadline)) {
      Thread.onSpinWait();
    }
    return lines.size() > before ? lines.get(before) : null;
  }

  @Override
  public void publish(LogRecord record) {
    lines.add(record.getMessage());
  }

  @Override
  public void flush() {}

  /** Stops capturing. */
  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
