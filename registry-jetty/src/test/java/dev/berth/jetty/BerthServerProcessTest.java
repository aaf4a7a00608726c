package dev.berth.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What an application that embeds Berth sees, in a JVM of its own: a start and stop print nothing
 * and change no system property, and open servers do not keep the JVM alive.
 */
class BerthServerProcessTest {

  record Run(int exit, List<String> lines) {}

  static Run run(String mode) throws IOException, InterruptedException {
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", classPath,
        EmbeddedMain.class.getName(), mode).redirectErrorStream(true).start();
    // A JVM kept alive by a non-daemon thread never exits: the deadline is the assertion.
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(exited, () -> "the JVM did not exit after main returned:\n" + out);
    return new Run(p.exitValue(), out.lines().toList());
  }

  @Test
  void startAndStopPrintNothingAndSetNoProperty() throws Exception {
    Run run = run("start-stop");

    assertEquals(0, run.exit(), run.lines()::toString);
    List<String> others = new ArrayList<>();
    for (String line : run.lines()) {
      // SLF4J's own notice: this module brings no logging binding, on purpose.
      if (!line.startsWith("SLF4J(") && !line.startsWith("answered: ")
          && !line.startsWith("changed properties: ")) {
        others.add(line);
      }
    }
    assertEquals(List.of(), others, "lines printed by Berth or Jetty");
    assertTrue(run.lines().contains("answered: HTTP/1.1 200 OK"), run.lines()::toString);
    assertTrue(run.lines().contains("changed properties: {}"), run.lines()::toString);
  }

  @Test
  void aServerLeftOpenDoesNotKeepTheJvmAlive() throws Exception {
    Run run = run("leave-open");

    assertEquals(0, run.exit(), run.lines()::toString);
    assertTrue(run.lines().contains("answered: HTTP/1.1 200 OK"), run.lines()::toString);
  }
}
