import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Row 7: garbage collection, {@code java -jar berth.jar gc} against {@code docker-registry
 * garbage-collect}, each a whole process on its own copy of the same data set, which is restored
 * after each round; and the listing baseline it is compared with.
 */
final class Gc {
  final Bench bench;
  final Config config;

  Gc(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  void measure() throws Exception {
    if (!config.wants("gc")) {
      return;
    }
    Path set = config.data.resolve(String.format(Locale.ROOT, "gc-%dx%dx%d", config.gcRepos,
        config.gcManifestsPerRepo, config.gcBlobsPerRepo));
    if (config.fresh) {
      Processes.deleteTree(set);
    }
    boolean kept = Files.isDirectory(set);
    Bench.log("== garbage collection data set " + set + (kept ? " (kept from an earlier run, "
        + "completed)" : ""));
    Path b = set.resolve("berth");
    Path r = set.resolve("registry2");
    long t = System.nanoTime();
    DataSets dataSets = new DataSets(bench);
    DataSets.GcSeed gs = dataSets.writeGcSeed(b);
    dataSets.writeGcSeed(r);
    bench.info(String.format(Locale.ROOT,
        "GC data set: %d repositories, %,d manifests (%,d untagged), "
        + "%,d other blobs (%,d linked but named by no manifest), %s for each registry in "
        + "%.1f s", config.gcRepos, config.gcManifests(), gs.untagged(), config.gcBlobs(),
        gs.orphans(), kept ? "checked and completed" : "written", (System.nanoTime() - t) / 1e9));
    String what = String.format(Locale.ROOT, "GC of %,d blobs / %,d manifests", config.gcBlobs(),
        config.gcManifests());
    Row keep = bench.row("gc.keep", what + ", untagged kept", "s", false);
    Row untagged = bench.row("gc.untagged", what + ", --delete-untagged", "s", false);
    List<Double> listing = new ArrayList<>();
    for (boolean deleteUntagged : new boolean[] {false, true}) {
      Row row = deleteUntagged ? untagged : keep;
      long expected = config.gcBlobs() + config.gcManifests() - gs.orphans()
          - (deleteUntagged ? gs.untagged() + gs.untaggedBlobs() : 0);
      Bench.log("== " + row.title + " (" + config.rounds + " rounds, each on the full data set)");
      for (int round = 0; round < config.rounds; round++) {
        if (!deleteUntagged) {
          // The cost of listing what GC must look at, on both copies alike (it warms caches).
          listing.add(listingCost(b));
          listingCost(r);
        }
        // Each collector starts on a quiet disk: the restore of the previous round and the other
        // collector's deletes are written back first, not charged to whoever runs next.
        flushDisk();
        // A: Berth's collector, a JVM of its own, as an operator runs it.
        List<String> cmd = new ArrayList<>(List.of("java"));
        cmd.addAll(config.berthJavaOpts);
        String jfr = null;
        if (config.profile && round == config.rounds - 1) {
          Path dir = Files.createDirectories(config.results.resolve("profile"));
          jfr = dir.resolve(row.id + ".jfr").toString();
          cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        }
        cmd.addAll(List.of("-jar", config.jar.toString(), "gc", "--storage", b.toString(),
            "--grace-period", "0s"));
        if (deleteUntagged) {
          cmd.add("--delete-untagged");
        }
        Processes.ExecResult eb = Processes.exec(cmd, config.work.resolve("gc-berth.out"));
        Util.check(eb.code() == 0, "berth gc exited with " + eb.code() + ": "
            + tail(config.work.resolve("gc-berth.out")));
        row.berth.add(eb.seconds());
        bench.pause();
        flushDisk();
        // B: docker-registry garbage-collect on its own copy.
        Path cfg = Processes.writeRegistry2Config(config.work.resolve("gc-registry2.yml"), r,
            5000);
        List<String> rc = new ArrayList<>(List.of("docker-registry", "garbage-collect"));
        if (deleteUntagged) {
          rc.add("--delete-untagged");
        }
        rc.add(cfg.toString());
        Processes.ExecResult er = Processes.exec(rc, config.work.resolve("gc-registry2.out"));
        Util.check(er.code() == 0, "registry:2 garbage-collect exited with " + er.code() + ": "
            + tail(config.work.resolve("gc-registry2.out")));
        row.registry2.add(er.seconds());
        long leftB = countBlobData(b);
        long leftR = countBlobData(r);
        Bench.log(String.format(Locale.ROOT, "  round %d: Berth %.2f s, registry:2 %.2f s; "
            + "blobs left: Berth %,d, registry:2 %,d, expected %,d", round + 1, eb.seconds(),
            er.seconds(), leftB, leftR, expected));
        if (round == 0) {
          row.addNote(String.format(Locale.ROOT, "blob data files left: Berth %,d, registry:2 %,d "
              + "(expected %,d)", leftB, leftR, expected));
        }
        if (leftB != expected || leftR != expected) {
          row.addNote("round " + (round + 1) + ": a collector left an unexpected blob count");
        }
        if (jfr != null) {
          Profiles.summarise(Path.of(jfr), row.id);
        }
        // Put back what each collected: the data set is written again, only missing files.
        dataSets.writeGcSeed(b);
        dataSets.writeGcSeed(r);
        long full = config.gcBlobs() + config.gcManifests();
        Util.check(countBlobData(b) == full && countBlobData(r) == full,
            "GC data set not restored");
        bench.pause();
      }
      row.addNote("Berth also removes the _layers links of the blobs it deletes (registry:2 2.8 "
          + "leaves them); both are whole processes, Berth's includes JVM start");
    }
    double base = Util.median(listing);
    keep.addNote(String.format(Locale.ROOT, "listing baseline (walk every file of the data set "
        + "and read every manifest, in a warm JVM): %.2f s, so Berth's GC is %.1fx that", base,
        keep.berthMedian() / base));
    untagged.addNote(String.format(Locale.ROOT, "Berth's GC is %.1fx the listing baseline",
        untagged.berthMedian() / base));
    bench.limits.put("gc_listing_baseline_s", base);
  }

  /** {@code sync}: dirty pages go to disk now, outside any timed span. */
  static void flushDisk() throws IOException, InterruptedException {
    Processes.exec(List.of("sync"), null);
  }

  /** Walks every file of the data set (stat) and reads every manifest: seconds. */
  static double listingCost(Path root) throws IOException {
    long start = System.nanoTime();
    Path v2 = root.resolve("docker/registry/v2");
    long[] files = {0};
    List<Path> revisions = new ArrayList<>();
    Files.walkFileTree(v2, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        files[0]++;
        if (file.getFileName().toString().equals("link")
            && file.getParent().getParent().getParent().getFileName().toString()
                .equals("revisions")) {
          revisions.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    long bytes = 0;
    for (Path link : revisions) {
      String digest = Files.readString(link).trim();
      String hex = digest.substring("sha256:".length());
      bytes += Files.readAllBytes(v2.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex
          + "/data")).length;
    }
    Util.check(bytes > 0, "no manifests found under " + v2);
    return (System.nanoTime() - start) / 1e9;
  }

  static long countBlobData(Path root) throws IOException {
    Path blobs = root.resolve("docker/registry/v2/blobs");
    try (var files = Files.walk(blobs)) {
      return files.filter(p -> p.getFileName().toString().equals("data")).count();
    }
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }
}
