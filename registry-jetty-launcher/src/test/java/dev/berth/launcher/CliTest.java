package dev.berth.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line: flags from the settings table, switches, aliases, and refusals. */
class CliTest {

  static Cli.Invocation parse(String... args) throws Cli.UsageException {
    return Cli.parse(args);
  }

  static List<String> flags(Cli.Invocation invocation) {
    return invocation.flags().stream().map(f -> f.key() + "=" + f.value()).toList();
  }

  @Test
  void valuesAndSwitchesInEveryForm() throws Exception {
    Cli.Invocation serve = parse("--port", "0", "--read-only", "--storage=data",
        "--deletes-enabled", "false", "--no-storage-fsync", "--relative-urls=true");
    assertEquals(Command.SERVE, serve.command());
    assertEquals(List.of("http.port=0", "storage.readOnly=true", "storage.path=data",
        "deletes.enabled=false", "storage.fsync=false", "http.relativeUrls=true"), flags(serve));
    assertNull(serve.configFile());
  }

  @Test
  void aSwitchTakesOnlyTrueOrFalseAfterIt() throws Exception {
    Cli.Invocation serve = parse("serve", "--read-only", "config.yml");
    assertEquals(List.of("storage.readOnly=true"), flags(serve));
    assertEquals("config.yml", serve.configFile());
  }

  @Test
  void theConfigurationFileAsArgumentOrFlag() throws Exception {
    assertEquals("/etc/docker/registry/config.yml",
        parse("serve", "/etc/docker/registry/config.yml").configFile());
    assertEquals("b.yml", parse("gc", "--config=b.yml").configFile());
    assertEquals("@at.yml", parse("serve", "@at.yml").configFile(), "no @file expansion");
    Cli.UsageException twice = assertThrows(Cli.UsageException.class,
        () -> parse("serve", "a.yml", "--config", "b.yml"));
    assertTrue(twice.getMessage().contains("give the configuration file once"),
        twice::getMessage);
  }

  @Test
  void gcTakesItsOwnFlagsAndAliases() throws Exception {
    Cli.Invocation gc = parse("gc", "--storage", "d", "--grace-period=0s", "--delete-untagged",
        "--dry-run", "--gc-delete-untagged=false");
    assertEquals(Command.GC, gc.command());
    assertTrue(gc.dryRun());
    assertEquals(List.of("storage.path=d", "gc.gracePeriod=0s", "gc.deleteUntagged=true",
        "gc.deleteUntagged=false"), flags(gc));
  }

  @Test
  void aFlagOfAnotherCommandIsNamedAsSuch() {
    assertEquals("gc does not take --port (a flag of serve)", message("gc", "--port", "5"));
    assertEquals("reindex does not take --gc-grace-period (a flag of serve)",
        message("reindex", "--gc-grace-period=1h"));
    assertEquals("serve does not take --dry-run (a flag of gc)", message("serve", "--dry-run"));
    assertEquals("reindex does not take --read-only (a flag of serve)",
        message("reindex", "--read-only"));
  }

  @Test
  void unknownFlagsCommandsAndMissingValues() {
    assertEquals("unknown flag --no-such-flag", message("serve", "--no-such-flag", "1"));
    assertEquals("unknown flag --no-such-flag", message("--storage", "memory", "--no-such-flag"));
    assertTrue(message("serve", "--prot", "5").startsWith("unknown flag --prot; did you mean"));
    assertEquals("unknown command 'frobnicate'", message("frobnicate"));
    assertTrue(message("serve", "--port").contains("'--port'"), message("serve", "--port"));
    assertEquals("unexpected argument 'b.yml'", message("serve", "a.yml", "b.yml"));
  }

  @Test
  void help() throws Exception {
    assertTrue(parse("--help").help());
    assertNull(parse("--help").command());
    assertEquals(Command.GC, parse("help", "gc").command());
    assertTrue(parse("gc", "--help").help());
    assertEquals(Command.GC, parse("gc", "-h").command());
  }

  static String message(String... args) {
    return assertThrows(Cli.UsageException.class, () -> parse(args)).getMessage();
  }
}
