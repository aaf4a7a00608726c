package dev.berth.launcher;

import dev.berth.registry.servlet.config.Settings;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/berth [serve|gc|reindex] [FILE] [flags]} (or {@code java -jar berth.jar ...}): the
 * standalone registry and its maintenance commands. The library prints nothing; this class and the
 * commands decide what is shown. Exit codes: 0 done, 1 a failure while running, 2 bad usage or
 * configuration (nothing was created, indexed or bound).
 */
public final class Main {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int BAD_CONFIGURATION = 2;

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;

  Main(PrintStream out, PrintStream err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = environment;
  }

  public static void main(String[] args) {
    System.exit(new Main(System.out, System.err, System.getenv()).run(args));
  }

  /**
   * Runs a command; {@code serve} returns once a SIGTERM (or SIGINT) has stopped it.
   *
   * @return the exit code
   */
  int run(String[] args) {
    Cli.Invocation invocation;
    try {
      invocation = Cli.parse(args);
    } catch (Cli.UsageException e) {
      err.println("berth: " + e.getMessage());
      err.println("berth: run 'berth --help' (java -jar berth.jar --help) for usage");
      return BAD_CONFIGURATION;
    }
    if (invocation.help()) {
      out.print(Help.text(invocation.command()));
      return OK;
    }
    Configuration configuration = Configuration.load(invocation, environment);
    configuration.warnings.forEach(w -> err.println("berth: warning: " + w));
    if (!configuration.problems.isEmpty()) {
      return problems(err, configuration.problems);
    }
    Settings settings = configuration.settings;
    Logging.apply(settings.get("log.level"));
    try {
      return switch (invocation.command()) {
        case SERVE -> new ServeCommand(out, err).run(settings);
        case GC -> new OfflineCommands(out, err).gc(settings, invocation.dryRun());
        case REINDEX -> new OfflineCommands(out, err).reindex(settings);
      };
    } catch (Exception e) {
      // A failure the launcher did not foresee: say everything, not just a message that may be
      // null ("berth: null" for a NullPointerException).
      err.println("berth: failed: " + e);
      e.printStackTrace(err);
      return FAILED;
    }
  }

  /** Prints each problem on its own line; the exit code of a bad configuration. */
  static int problems(PrintStream err, List<Settings.Problem> problems) {
    problems.forEach(p -> err.println("berth: " + p));
    err.println("berth: " + (problems.size() == 1 ? "1 problem" : problems.size() + " problems")
        + " in the configuration; nothing was started");
    return BAD_CONFIGURATION;
  }
}
