package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.fail;

import dev.berth.it.support.BerthProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One launcher per test class: started on loopback over a filesystem store, and on the way out
 * its output is printed (surefire keeps it in the class's {@code -output.txt}) and checked: a
 * client that retried its way past a 500 would otherwise pass.
 */
final class Launcher {
  private Launcher() {}

  /** What the servlet logs for an internal error, and any stack trace. */
  private static final Pattern TROUBLE = Pattern.compile("SEVERE|ERROR|Exception|\\tat ");

  static BerthProcess start(Path storage, String... flags) throws IOException {
    List<String> args = new ArrayList<>(List.of("--storage", storage.toString()));
    args.addAll(List.of(flags));
    return BerthProcess.start(args.toArray(String[]::new));
  }

  /** Stops the launcher; fails when it logged an internal error while the clients ran. */
  static void stop(BerthProcess berth) throws InterruptedException {
    if (berth == null) {
      return;
    }
    berth.close();
    String output = berth.output();
    System.out.println("--- launcher output (" + berth.url() + ") ---\n" + output);
    if (TROUBLE.matcher(output).find()) {
      fail("the launcher logged an error while the clients ran:\n" + output);
    }
  }
}
