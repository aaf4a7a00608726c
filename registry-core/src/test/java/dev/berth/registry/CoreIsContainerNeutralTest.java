package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * registry-core never names a servlet or Jetty type. The build already bans those artifacts from
 * the module's class path (maven-enforcer-plugin); this also catches fully qualified uses in
 * comments-free code and reflective class names.
 */
class CoreIsContainerNeutralTest {

  private static final Pattern CONTAINER_TYPE = Pattern.compile(
      "\\b(jakarta|javax\\.servlet|org\\.eclipse\\.jetty|org\\.apache\\.catalina)\\.[a-z]");

  @Test
  void noSourceFileMentionsAContainerType() throws IOException {
    Path sources = Path.of("src/main/java");
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).trim();
          if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
            continue;
          }
          if (CONTAINER_TYPE.matcher(line).find()) {
            offenders.add(sources.relativize(file) + ":" + (i + 1) + ": " + line);
          }
        }
      }
    }
    assertEquals(List.of(), offenders);
  }
}
