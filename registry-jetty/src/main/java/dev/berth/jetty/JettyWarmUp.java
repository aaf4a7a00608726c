package dev.berth.jetty;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads, on a daemon thread, the classes whose static set-up dominates a first start, while the
 * caller builds its registry: the first start in a JVM then costs the longer of the two instead of
 * their sum. Jetty's {@code MimeTypes} alone asks the JDK for every available locale
 * ({@code Locale.getAvailableLocales()}, a tenth of a second on an idle machine); nothing an
 * embedded registry does avoids it, since Jetty's {@code Server} makes a {@code MimeTypes}.
 *
 * <p>Nothing here changes behaviour: a class is initialised once per JVM whoever asks first, and a
 * failure here is simply met again (and reported) on the thread that needs the class.
 */
final class JettyWarmUp {
  private JettyWarmUp() {}

  private static final AtomicBoolean STARTED = new AtomicBoolean();

  /** Costliest first: the locale table, then the classes of Jetty's start and first request. */
  private static final List<String> CLASSES = List.of(
      "org.eclipse.jetty.http.MimeTypes",
      "org.eclipse.jetty.server.Server",
      "org.eclipse.jetty.ee10.servlet.ServletContextHandler",
      "org.eclipse.jetty.server.ServerConnector",
      "org.eclipse.jetty.http.HttpParser",
      "org.eclipse.jetty.http.HttpGenerator",
      "org.eclipse.jetty.ee10.servlet.ServletChannel",
      "org.eclipse.jetty.ee10.servlet.ServletApiRequest",
      "org.eclipse.jetty.ee10.servlet.ServletApiResponse",
      "org.eclipse.jetty.ee10.servlet.HttpOutput");

  static void begin() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    ClassLoader loader = JettyWarmUp.class.getClassLoader();
    Thread t = new Thread(() -> {
      for (String name : CLASSES) {
        try {
          Class.forName(name, true, loader);
        } catch (Throwable ignored) {
          // The thread that needs the class meets the same failure and reports it.
        }
      }
    }, "berth-warm-up");
    t.setDaemon(true);
    t.start();
  }
}
