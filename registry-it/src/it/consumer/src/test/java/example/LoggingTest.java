package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The project's logging binding is the only one: no "multiple providers" warning, nothing printed
 * by Berth, and Jetty's start-up lines gone with the one setting the docs give.
 */
class LoggingTest {

  /** Starts and stops a registry in a JVM of its own (SLF4J reports at its first use). */
  static List<String> startAndStop(String... jvmOptions) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")), StartStop.class.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM did not exit");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void theProjectsBindingIsTheOnlyOne() throws Exception {
    List<String> lines = startAndStop();

    assertTrue(lines.stream().noneMatch(l -> l.contains("SLF4J")), lines::toString);
    // What slf4j-simple shows at its default level comes from Jetty's start and stop (five and
    // three lines in Jetty 12.1), never from Berth, and nothing from serving another registry.
    for (String line : lines) {
      assertTrue(line.contains(" INFO org.eclipse.jetty."), line);
    }
    assertTrue(lines.size() <= 8, lines::toString);
  }

  @Test
  void oneSettingSilencesJettysStartAndStop() throws Exception {
    assertEquals(List.of(), startAndStop("-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn"));
  }

  @Test
  void noBindingAndNoYamlComeWithBerth() {
    assertThrows(ClassNotFoundException.class,
        () -> Class.forName("org.eclipse.jetty.logging.JettyLoggerFactory"));
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.yaml.snakeyaml.Yaml"));
  }
}
