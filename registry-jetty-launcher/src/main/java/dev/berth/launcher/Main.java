package dev.berth.launcher;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.gc.GcListener;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.ReindexReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
      out.println(USAGE + Settings.help());
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
      err.println("berth: " + e.getMessage());
      return 1;
    }
  }

  private int usage(String problem) {
    err.println("berth: " + problem);
    err.println("run 'java -jar berth.jar --help' for usage");
    return 2;
  }

  private int serve(List<String> args, boolean block) throws Exception {
    Settings settings = settings(args);
    Registry registry = registry(settings);
    if (!settings.get("storage.path").equals("memory") && !registry.referrersIndexBuilt()) {
      ReindexReport report = registry.reindex();
      out.println("berth: built the referrers index over existing data: " + report.entries()
          + " referrers in " + report.repositories() + " repositories ("
          + report.duration().toMillis() + " ms)");
    }
    BerthServer server = BerthServer.start(registry, settings.get("http.host"),
        settings.integer("http.port"), dev.berth.registry.access.AccessController.ALLOW_ALL,
        settings.bool("http.relativeUrls"));
    ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "berth-maintenance");
      t.setDaemon(true);
      return t;
    });
    schedule(maintenance, settings.duration("uploads.purgeInterval"), () -> {
      int purged = registry.purgeUploads();
      if (purged > 0) {
        out.println("berth: purged " + purged + " expired upload sessions");
      }
    });
    GcOptions gcOptions = GcOptions.defaults()
        .withGracePeriod(settings.duration("gc.gracePeriod"))
        .withDeleteUntagged(settings.bool("gc.deleteUntagged"));
    schedule(maintenance, settings.duration("gc.interval"),
        () -> out.println("berth: gc: " + registry.collectGarbage(gcOptions).summary()));
    out.println("berth: listening on " + server.url() + " (storage: "
        + settings.get("storage.path") + ", port " + server.port() + ")");
    out.flush();
    if (!block) {
      return 0;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      maintenance.shutdownNow();
      server.close();
      stopped.countDown();
    }, "berth-shutdown"));
    stopped.await();
    return 0;
  }

  private void schedule(ScheduledExecutorService executor, Duration every, Runnable task) {
    if (every.isZero()) {
      return;
    }
    executor.scheduleWithFixedDelay(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        err.println("berth: maintenance task failed: " + e);
      }
    }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
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
    Registry registry = registry(settings);
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
    ReindexReport report = registry(settings).reindex();
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
      } else if (!flag.equals("--config") && !Settings.isFlag(flag)) {
        // Before looking for a value: "--bogus" last on the line is unknown, not valueless.
        throw new IllegalArgumentException("unknown flag " + flag);
      } else if (Settings.isBooleanFlag(flag)
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
          settings.loadYaml(Path.of(f[1]));
        } catch (java.io.IOException e) {
          throw new IllegalArgumentException("cannot read config " + f[1] + ": " + e.getMessage());
        }
      }
    }
    for (String[] f : flags) {
      if (!f[0].equals("--config") && !settings.applyFlag(f[0], f[1])) {
        throw new IllegalArgumentException("unknown flag " + f[0]);
      }
    }
    return settings;
  }

  static Registry registry(Settings settings) {
    Registry.Builder builder = Registry.builder().options(settings.registryOptions());
    String storage = settings.get("storage.path");
    if (storage.equals("memory")) {
      builder.inMemory();
    } else {
      builder.filesystem(Path.of(storage));
    }
    return builder.build();
  }
}
