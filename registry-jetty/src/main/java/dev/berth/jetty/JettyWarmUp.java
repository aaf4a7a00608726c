package dev.berth.jetty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.DateGenerator;

/**
 * Prepares, on a daemon thread, what the first server in a JVM needs, while the caller builds its
 * registry: the first start then costs about the longer of the two instead of their sum.
 *
 * <ol>
 *   <li>Initialises Jetty's {@code MimeTypes}, whose static set-up asks the JDK for every
 *       available locale ({@code Locale.getAvailableLocales()}: a tenth of a second on an idle
 *       machine). Jetty's {@code Server} makes a {@code MimeTypes}, so no embedded server avoids
 *       it; the caller reaches it only after its registry is built.
 *   <li>Runs, on the same thread, the other static set-ups a first start and request meet, each
 *       self-contained (no class of the caller's path is initialised halfway): the default time
 *       zone (read from the JDK's tzdb.dat: Jetty's {@code Server.doStart} asks for the time),
 *       Jetty's {@code Jetty} (its build properties and timestamp parsing, {@code java.time}'s
 *       formatters), the servlet API's {@code HttpServlet} (a resource bundle) and the first HTTP
 *       date (the calendar Jetty formats the {@code Date} header with).
 *   <li>Loads, without initialising, the classes a start and a first request load
 *       ({@code warm-up.classes}, in their order): reading and defining them is most of a first
 *       start. Loading runs no static initialiser, so it cannot deadlock with the caller's thread
 *       initialising the same classes; the class loader lets both threads load side by side.
 * </ol>
 *
 * <p>Nothing here changes behaviour: a class is loaded and initialised once per JVM, whoever asks
 * first, and a failure here is met again (and reported) on the thread that needs the class.
 */
final class JettyWarmUp {
  private JettyWarmUp() {}

  static final String CLASS_LIST = "warm-up.classes";
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  static void begin() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(JettyWarmUp::run, "berth-warm-up");
    t.setDaemon(true);
    t.start();
  }

  private static void initialise(String name, ClassLoader loader) {
    try {
      Class.forName(name, true, loader);
    } catch (Throwable ignored) {
      // The thread that needs the class meets the same failure and reports it.
    }
  }

  private static void run() {
    ClassLoader loader = JettyWarmUp.class.getClassLoader();
    initialise("org.eclipse.jetty.http.MimeTypes", loader);
    try {
      TimeZone.getDefault();
      // Publishes jetty.git.hash when initialised; BerthServer removes it after a start, and so
      // does this thread, for a prepare() that no start follows.
      initialise("org.eclipse.jetty.util.Jetty", loader);
      if (!BerthServer.JETTY_GIT_HASH_PRESET) {
        System.clearProperty(BerthServer.JETTY_GIT_HASH);
      }
      initialise("jakarta.servlet.http.HttpServlet", loader);
      DateGenerator.formatDate(System.currentTimeMillis());
    } catch (Throwable ignored) {
      // As above: whoever needs it meets the failure again.
    }
    try (InputStream in = JettyWarmUp.class.getResourceAsStream(CLASS_LIST)) {
      if (in == null) {
        return;
      }
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        try {
          Class.forName(line.trim(), false, loader);
        } catch (Throwable ignored) {
          // A class another Jetty version does not have: nothing to prepare.
        }
      }
    } catch (IOException ignored) {
      // No list: the caller loads everything itself, as without a warm-up.
    }
  }
}
