package dev.berth.launcher;

import dev.berth.registry.Registry;
import dev.berth.registry.ReindexReport;
import dev.berth.registry.gc.GcListener;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.servlet.config.Settings;
import dev.berth.registry.servlet.config.StorageProviders;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code gc} and {@code reindex}: run once over an existing registry directory, then exit. A
 * directory that does not exist or holds no registry is refused (exit 2), never created.
 */
final class OfflineCommands {
  private final PrintStream out;
  private final PrintStream err;

  OfflineCommands(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  int gc(Settings settings, boolean dryRun) {
    List<Settings.Problem> problems = StartChecks.existingRegistry(settings);
    if (!problems.isEmpty()) {
      return Main.problems(err, problems);
    }
    String verb = dryRun ? "would remove" : "removed";
    GcReport report;
    try (Registry registry = settings.buildRegistry()) {
      report = registry.collectGarbage(new GcOptions(dryRun, settings.bool("gc.deleteUntagged"),
          settings.duration("gc.gracePeriod"), new GcListener() {
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
    } catch (StorageProviders.Failure e) {
      return Main.problems(err, List.of(e.problem()));
    }
    out.println("berth: gc: " + report.summary());
    return Main.OK;
  }

  int reindex(Settings settings) {
    List<Settings.Problem> problems = StartChecks.existingRegistry(settings);
    if (!problems.isEmpty()) {
      return Main.problems(err, problems);
    }
    ReindexReport report;
    try (Registry registry = settings.buildRegistry()) {
      report = registry.reindex();
    } catch (StorageProviders.Failure e) {
      return Main.problems(err, List.of(e.problem()));
    }
    out.println("berth: reindexed " + report.repositories() + " repositories, "
        + report.manifests() + " manifests: " + report.entries() + " referrers ("
        + report.fromFallbackTags() + " from fallback tags; " + report.added() + " added, "
        + report.removed() + " removed) in " + report.duration().toMillis() + " ms");
    return Main.OK;
  }
}
