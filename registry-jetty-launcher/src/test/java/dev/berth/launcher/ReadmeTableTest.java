package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table is the settings table, row for row, as {@code --help} prints
 * it. When a setting changes, paste the table this test prints into the README.
 */
class ReadmeTableTest {

  @Test
  void readmeHasTheSettingsTable() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String table = Help.markdownTable();
    assertTrue(readme.contains(table), () -> "README.md's configuration table differs from the"
        + " settings table; it should read:\n" + table);
  }

  @Test
  void helpNamesEveryFlagAndKey() {
    String help = Help.text(null);
    for (var key : dev.berth.registry.servlet.config.Settings.KEYS) {
      String flag = key.isBoolean() ? "--[no-]" + key.flag().substring(2) : key.flag() + "=";
      assertTrue(help.contains("  " + flag), () -> flag + " missing from --help");
      assertTrue(help.contains(" " + key.name() + ", default "), () -> key.name());
    }
  }
}
