package dev.berth.launcher;

import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * {@code log.level} (distribution's too): what Berth logs through {@link System.Logger} (the JDK's
 * logging, since nothing else is installed) and what Jetty logs through its own SLF4J binding. Jetty
 * logs one level quieter than asked: its INFO lines ("Started ServerConnector...") say nothing an
 * operator needs, and its DEBUG is a trace of every byte. An explicit
 * {@code -Dorg.eclipse.jetty.LEVEL} wins.
 */
final class Logging {
  private Logging() {}

  /** Applies the level; call before the first Jetty class logs. */
  static void apply(String level) {
    String l = level.toLowerCase(Locale.ROOT);
    Level jdk = switch (l) {
      case "error" -> Level.SEVERE;
      case "warn" -> Level.WARNING;
      case "debug" -> Level.FINE;
      default -> Level.INFO;
    };
    Logger root = Logger.getLogger("");
    root.setLevel(jdk);
    for (Handler h : root.getHandlers()) {
      h.setLevel(jdk);
    }
    accessLog();
    if (System.getProperty("org.eclipse.jetty.LEVEL") == null) {
      System.setProperty("org.eclipse.jetty.LEVEL", switch (l) {
        case "error", "warn" -> "ERROR";
        case "debug" -> "INFO";
        default -> "WARN";
      });
    }
  }

  /** Keeps the access log's logger from being collected, and with it its configuration. */
  private static final Logger ACCESS = Logger.getLogger("berth.access");

  /**
   * The access log ({@code berth.access}) prints its JSON lines alone on standard output, one per
   * line, whatever {@code log.level} says (it is switched by {@code log.accessLog.enabled}), unless
   * a {@code java.util.logging.config.file} routes it elsewhere.
   */
  private static void accessLog() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    ACCESS.setUseParentHandlers(false);
    ACCESS.setLevel(Level.INFO);
    for (Handler h : ACCESS.getHandlers()) {
      ACCESS.removeHandler(h);
    }
    ACCESS.addHandler(new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (isLoggable(record)) {
          System.out.println(record.getMessage());
        }
      }

      @Override
      public void flush() {
        System.out.flush();
      }

      @Override
      public void close() {}
    });
  }
}
