package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's artifact metadata: the repository has its Apache-2.0 LICENSE, and every module's pom
 * (the parent's list of modules, so a new module cannot be forgotten) names that licence itself,
 * as a published artifact's pom is read on its own by tools that do not resolve parents.
 */
class ProjectPomsTest {
  static final Path ROOT = Path.of("..");
  static final String APACHE = "<name>Apache-2.0</name>";

  @Test
  void everyModulePomNamesTheLicence() throws Exception {
    String parent = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    assertTrue(parent.contains(APACHE), "the parent pom names no Apache-2.0 licence");
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
    List<String> modules = new ArrayList<>();
    while (m.find()) {
      modules.add(m.group(1).trim());
    }
    assertFalse(modules.isEmpty(), "no modules listed in the parent pom");
    List<String> missing = new ArrayList<>();
    for (String module : modules) {
      String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"),
          StandardCharsets.UTF_8);
      if (!pom.contains("<licenses>") || !pom.contains(APACHE)) {
        missing.add(module);
      }
    }
    assertTrue(missing.isEmpty(), "poms without the Apache-2.0 licence: " + missing);
  }

  @Test
  void theLicenceFileIsApache2() throws Exception {
    String license = Files.readString(ROOT.resolve("LICENSE"), StandardCharsets.UTF_8);
    assertTrue(license.contains("Apache License") && license.contains("Version 2.0"),
        "LICENSE is not the Apache License 2.0");
  }
}
