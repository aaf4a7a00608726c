package dev.berth.registry.auth.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Everything written through {@code System.Logger} (which goes to java.util.logging when no other
 * backend is installed) while open, with stack traces: Berth's loggers ({@code dev.berth.*}) at
 * every level down to the finest, every other logger at its usual level (INFO and up). A test
 * greps it for credentials. (Lowering the root logger instead would also switch on the JDK HTTP
 * client's own debug log, the test's client, hundreds of thousands of lines.)
 */
public final class LogCapture implements AutoCloseable {

  private final Logger root = Logger.getLogger("");
  private final Logger berth = Logger.getLogger("dev.berth");
  private final Level previous;
  private final List<String> lines = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      StringBuilder line = new StringBuilder(record.getLevel() + " " + record.getLoggerName()
          + ": " + record.getMessage());
      if (record.getParameters() != null) {
        for (Object p : record.getParameters()) {
          line.append(" | ").append(p);
        }
      }
      if (record.getThrown() != null) {
        StringWriter trace = new StringWriter();
        record.getThrown().printStackTrace(new PrintWriter(trace));
        line.append('\n').append(trace);
      }
      synchronized (lines) {
        lines.add(line.toString());
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogCapture() {
    previous = berth.getLevel();
    handler.setLevel(Level.ALL);
    berth.setLevel(Level.ALL);
    root.addHandler(handler);
  }

  public static LogCapture start() {
    return new LogCapture();
  }

  /** The lines so far. */
  public List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The lines that contain {@code secret}. */
  public List<String> linesContaining(String secret) {
    return lines().stream().filter(l -> l.contains(secret)).toList();
  }

  @Override
  public void close() {
    root.removeHandler(handler);
    berth.setLevel(previous);
  }
}
