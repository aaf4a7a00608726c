package dev.berth.launcher;

import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import dev.berth.registry.ReindexReport;
import dev.berth.registry.StartReport;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.gc.GcListener;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.servlet.Maintenance;
import dev.berth.registry.servlet.config.HttpOptions;
import dev.berth.registry.servlet.config.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar berth.jar [serve|gc|reindex] [flags]}: the standalone registry and its
 * maintenance commands. The library prints nothing; this class decides what is shown.
 */
public final class Main {

  static final String USAGE = """
      Berth, an OCI registry with reference types

      usage:
        java -jar berth.jar [serve] [--config FILE] [flags]   serve the registry (default command)
        java -jar berth.jar gc --storage DIR [--dry-run] [--delete-untagged] [--grace-period 1h]
                                                              collect garbage, then exit
        java -jar berth.jar reindex --storage DIR             rebuild the referrers index, then exit
        java -jar berth.jar --help

      serve flags (each is also a key of the YAML --config file):
      """;

  private final PrintStream out;
  private final PrintStream err;

  Main(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    int code = new Main(System.out, System.err).run(args, true);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs a command. {@code serve} blocks until the JVM is shut down when {@code block} is set.
   *
   * @return the exit code
   */
  int run(String[] args, boolean block) {
    List<String> rest = new ArrayList<>(List.of(args));
    String command = "serve";
    if (!rest.isEmpty() && !rest.get(0).startsWith("-")) {
      command = rest.remove(0);
    }
    if (rest.contains("--help") || rest.contains("-h") || command.equals("help")) {
      out.println(USAGE + LauncherFlags.help());
      return 0;
    }
    try {
      return switch (command) {
        case "serve" -> serve(rest, block);
        case "gc" -> gc(rest);
        case "reindex" -> reindex(rest);
        default -> usage("unknown command '" + command + "'");
      };
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    } catch (Exception e) {
      // A failure the launcher did not foresee: say everything, not just a message that may be
      // null ("berth: null" for a NullPointerException).
      err.println("berth: " + e);
      e.printStackTrace(err);
      return 1;
    }
  }

  private int usage(String problem) {
    err.println("berth: " + problem);
    err.println("run 'java -jar berth.jar --help' for usage");
    return 2;
  }

  private int serve(List<String> args, boolean block) throws Exception {
    // Jetty's class loading (and its logging's set-up) on a daemon thread, beside the settings
    // and the registry's start-time recovery.
    BerthServer.prepare();
    Settings settings = settings(args);
    HttpOptions httpOptions = settings.httpOptions();
    Registry registry = settings.buildRegistry();
    StartReport start = registry.startReport();
    if (start.changesFinished() > 0) {
      out.println("berth: finished " + start.changesFinished()
          + " changes an earlier process left half done");
    }
    start.reindexed().ifPresent(report -> out.println("berth: built the referrers index over"
        + " existing data: " + report.entries() + " referrers in " + report.repositories()
        + " repositories (" + report.duration().toMillis() + " ms)"));
    BerthServer server;
    try {
      server = BerthServer.start(registry, settings.get("http.host"), settings.integer("http.port"),
          AccessController.ALLOW_ALL, httpOptions, settings.duration("http.idleTimeout"));
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    Maintenance maintenance = Maintenance.start(registry, settings,
        line -> out.println("berth: " + line));
    out.println("berth: listening on " + server.url() + " (storage: "
        + settings.get("storage.path") + ", port " + server.port() + ")");
    out.flush();
    if (!block) {
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      maintenance.close();
      server.close();
      registry.close();
      stopped.countDown();
    }, "berth-shutdown"));
    stopped.await();
    return 0;
  }

  private int gc(List<String> args) {
    boolean dryRun = args.remove("--dry-run");
    boolean deleteUntagged = args.remove("--delete-untagged");
    Duration grace = GcOptions.DEFAULT_GRACE_PERIOD;
    int at = args.indexOf("--grace-period");
    if (at >= 0) {
      if (at + 1 >= args.size()) {
        throw new IllegalArgumentException("--grace-period needs a value, e.g. 1h or 0s");
      }
      grace = Settings.parseDuration(args.get(at + 1), "--grace-period");
      args.remove(at + 1);
      args.remove(at);
    }
    Settings settings = settings(args);
    requireDirectory(settings);
    Registry registry = settings.buildRegistry();
    String verb = dryRun ? "would remove" : "removed";
    GcReport report = registry.collectGarbage(new GcOptions(dryRun, deleteUntagged, grace,
        new GcListener() {
          @Override
          public void manifestRemoved(RepositoryName repository, Digest digest) {
            out.println(verb + " manifest " + repository + "@" + digest);
          }

          @Override
          public void blobRemoved(Digest digest, long size) {
            out.println(verb + " blob " + digest + " (" + size + " bytes)");
          }

          @Override
          public void uploadRemoved(RepositoryName repository, String id) {
            out.println(verb + " upload " + repository + "/" + id);
          }
        }));
    out.println("berth: gc: " + report.summary());
    return 0;
  }

  private int reindex(List<String> args) {
    Settings settings = settings(args);
    requireDirectory(settings);
    ReindexReport report;
    try (Registry registry = settings.buildRegistry()) {
      report = registry.reindex();
    }
    out.println("berth: reindexed " + report.repositories() + " repositories, "
        + report.manifests() + " manifests: " + report.entries() + " referrers ("
        + report.fromFallbackTags() + " from fallback tags; " + report.added() + " added, "
        + report.removed() + " removed) in " + report.duration().toMillis() + " ms");
    return 0;
  }

  private static void requireDirectory(Settings settings) {
    if (settings.get("storage.path").equals("memory")) {
      throw new IllegalArgumentException("this command needs --storage DIR");
    }
  }

  /** Defaults, then {@code --config}, then the other flags. */
  static Settings settings(List<String> args) {
    Settings settings = new Settings();
    List<String[]> flags = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String flag = arg;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      } else if (!flag.equals("--config") && !LauncherFlags.isFlag(flag)) {
        // Before looking for a value: "--bogus" last on the line is unknown, not valueless.
        throw new IllegalArgumentException("unknown flag " + flag);
      } else if (LauncherFlags.isBooleanFlag(flag)
          && (i + 1 >= args.size() || args.get(i + 1).startsWith("--"))) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args.get(++i);
      } else {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      flags.add(new String[] {flag, value});
    }
    for (String[] f : flags) {
      if (f[0].equals("--config")) {
        try {
          LauncherFlags.loadYaml(settings, Path.of(f[1]));
        } catch (java.io.IOException e) {
          throw new IllegalArgumentException("cannot read config " + f[1] + ": " + e.getMessage());
        }
      }
    }
    for (String[] f : flags) {
      if (!f[0].equals("--config")) {
        String key = Settings.flag(f[0]).orElseThrow(
            () -> new IllegalArgumentException("unknown flag " + f[0])).name();
        settings.set(key, f[1]);
      }
    }
    settings.httpOptions();
    settings.registryOptions();
    return settings;
  }
}
