import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The engine of {@code bench/run}: Berth against distribution's {@code registry:2} on the same
 * machine, the same disk and the same workloads, each workload run against each registry in turn
 * (A B A B ...), plus the machine's own limits. Prints one table and writes it as JSON.
 *
 * <p>Load comes from tools made for it where one exists: {@code wrk} (GET rates, p99, concurrent
 * pulls), {@code ab} (HEAD rates: wrk 4.1 and h2load in HTTP/1.1 mode wait for a body after a HEAD
 * response and stall), {@code curl} (single-stream push and pull), {@code openssl speed} and
 * {@code dd} (limits). Upload flows with many clients, listing walks that follow {@code Link}
 * headers and latency loops use the JDK's HTTP client here. No dependency beyond the JDK.
 *
 * <p>This class is the harness: the command line, the run of each group in turn (a group that
 * fails is reported and the others still run), the pair of long-running servers that the HTTP
 * groups share, and {@link #alternate}, which runs a workload against each registry in turn. The
 * groups live beside it, one file each: {@link Limits}, {@link Startup}, {@link Manifests},
 * {@link Listings} (tags and catalog), {@link Referrers}, {@link Blobs} (pull and push),
 * {@link ManifestPuts}, {@link Memory}, {@link Gc}, {@link Proxy} (the pull-through caches) and
 * {@link Auth} (its own four servers, token auth on and off), {@link S3} (Berth and registry:2 on a
 * Ceph gateway, one instance and two). The write rows (push, manifest PUT) also run
 * a third server, Berth with {@code --storage-fsync false}, so that the cost of flushing shows
 * within the same rounds. {@link DataSets} and {@link Layout} write the data they read,
 * {@link Processes} runs Berth, registry:2 and the tools, {@link Report} writes the table and the
 * JSON, {@link Profiles} records and summarises JFR. {@link Config} holds the sizes, {@link Row}
 * one line of the table.
 */
public final class Bench {

  // ------------------------------------------------------------------------------------------
  // Results, shared by the groups

  static final long MiB = 1024L * 1024;

  final Config config;
  final Map<String, Row> rows = new LinkedHashMap<>();
  final Map<String, Double> limits = new LinkedHashMap<>();
  /** Row with Berth's default flushing, and the same workload's row without flushing. */
  final Map<Row, Row> flushPairs = new LinkedHashMap<>();
  final List<String> info = new ArrayList<>();
  final List<String> failures = new ArrayList<>();
  /** A bare Jetty servlet server's first and second start-up (ms); NaN unless start-up ran. */
  double bareJettyFirstMs = Double.NaN;
  double bareJettySecondMs = Double.NaN;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  final String started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);

  Bench(Config config) {
    this.config = config;
  }

  Row row(String id, String title, String unit, boolean higherIsBetter) {
    return rows.computeIfAbsent(id, k -> new Row(id, title, unit, higherIsBetter));
  }

  void info(String line) {
    info.add(line);
    log("  note: " + line);
  }

  static final long EPOCH = System.nanoTime();

  static void log(String line) {
    if (line.startsWith("==")) {
      line = String.format(Locale.ROOT, "[%4ds] %s", (System.nanoTime() - EPOCH) / 1_000_000_000L,
          line);
    }
    System.out.println(line);
    System.out.flush();
  }

  // ------------------------------------------------------------------------------------------
  // Main

  public static void main(String[] args) throws Exception {
    Config c = new Config();
    if (args.length == 2 && args[0].equals("--summarise")) {
      // Hot spots of any recording: java -cp bench/results/classes Bench --summarise x.jfr
      Path jfr = Path.of(args[1]).toAbsolutePath();
      Profiles.summarise(jfr, jfr.getFileName().toString().replaceAll("\\.jfr$", ""));
      return;
    }
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repo" -> c.repo = Path.of(args[++i]).toAbsolutePath().normalize();
        case "--quick" -> c.applyQuick();
        case "--profile" -> c.profile = true;
        case "--fresh" -> c.fresh = true;
        case "--clean" -> c.clean = true;
        case "--rounds" -> c.rounds = Math.max(3, Integer.parseInt(args[++i]));
        case "--only" -> c.only = Set.of(args[++i].split(","));
        case "--berth-java-opts" -> c.berthJavaOpts = args[++i].isBlank() ? List.of()
            : List.of(args[i].trim().split("\\s+"));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (c.repo == null) {
      throw new IllegalArgumentException("--repo DIR is required");
    }
    c.bench = c.repo.resolve("bench");
    c.results = c.bench.resolve("results");
    c.work = c.results.resolve("work");
    c.data = c.results.resolve("data");
    c.classes = c.results.resolve("classes");
    c.jar = c.repo.resolve("registry-jetty-launcher/target/berth.jar");
    c.embeddedLib = c.results.resolve("embedded-lib");
    new Bench(c).run();
  }

  void run() throws Exception {
    Processes.deleteTree(config.work);
    Files.createDirectories(config.work);
    log("bench: " + (config.quick ? "quick" : "full") + " run, " + config.rounds
        + " rounds per workload, work dir " + config.work);
    log("bench: " + Runtime.getRuntime().availableProcessors() + " cores, "
        + Util.memTotalMiB() + " MiB memory, load average " + Util.loadAverage());
    long t0 = System.nanoTime();
    guarded("limits", new Limits(this)::measure);
    guarded("startup", new Startup(this)::measure);
    boolean http = config.wants("manifests") || config.wants("tags") || config.wants("catalog")
        || config.wants("referrers") || config.wants("pull") || config.wants("push")
        || config.wants("manifest-put") || config.wants("memory");
    if (http) {
      guarded("http", this::httpWorkloads);
    }
    guarded("gc", new Gc(this)::measure);
    guarded("proxy", new Proxy(this)::measure);
    guarded("auth", new Auth(this)::measure);
    guarded("s3", new S3(this)::measure);
    info("whole run took " + Math.round((System.nanoTime() - t0) / 1e9) + " s");
    new Report(this).write();
    // After the report: what the write rows stored waits in work/trash, and deleting many small
    // files takes minutes on a disk mounted with discard.
    long t1 = System.nanoTime();
    log("== deleting the work directory (what the write rows stored)");
    Processes.deleteTree(config.work);
    if (config.clean) {
      log("== deleting the data sets (--clean)");
      Processes.deleteTree(config.data);
    }
    log("bench: deleted in " + Math.round((System.nanoTime() - t1) / 1e9) + " s");
  }

  interface Step {
    void run() throws Exception;
  }

  void guarded(String what, Step step) {
    try {
      step.run();
    } catch (Exception | AssertionError e) {
      String message = what + " failed: " + e;
      failures.add(message);
      log("bench: " + message);
      e.printStackTrace(System.out);
    }
  }

  // ------------------------------------------------------------------------------------------
  // HTTP workloads on one pair of long-running servers (rows 1-6 and 9), and a third for the
  // write rows

  /** One registry under test. */
  record Target(String name, String base, Process process, Path storage) {
    boolean berth() {
      return name.equals("berth");
    }
  }

  interface Measure {
    /** One run against one registry: the values of the rows it feeds, in order. */
    double[] run(Target target, int round) throws Exception;
  }

  Target berth;
  Target registry2;
  /** Berth with {@code --storage-fsync false}, for the write rows only; else null. */
  Target berthNoFsync;
  DataSets.SeedInfo seed;

  void httpWorkloads() throws Exception {
    String name = String.format(Locale.ROOT, "http-%dM-t%d-r%d-ref%s", config.bigBlob / MiB,
        config.tags, config.repos, Arrays.stream(config.referrers).mapToObj(String::valueOf)
            .collect(java.util.stream.Collectors.joining("_")));
    Path set = config.data.resolve(name);
    Path berthDir = set.resolve("berth");
    Path r2Dir = set.resolve("registry2");
    seed = new DataSets(this).http(set, berthDir, r2Dir);
    boolean writeRows = config.wants("push") || config.wants("manifest-put");
    Path noFsyncDir = writeRows ? new DataSets(this).copyForNoFsync(set, berthDir) : null;
    int berthPort = Processes.freePort();
    // Started as the README says (bin/berth), so that the memory row measures what users run.
    Process bp = startBerth(berthPort, berthDir, "berth.log");
    int r2Port = Processes.freePort();
    Path cfg = Processes.writeRegistry2Config(config.work.resolve("registry2.yml"), r2Dir,
        r2Port);
    Process rp = new ProcessBuilder("docker-registry", "serve", cfg.toString())
        .redirectErrorStream(true).redirectOutput(config.work.resolve("registry2.log").toFile())
        .start();
    int noFsyncPort = Processes.freePort();
    Process np = writeRows ? startBerth(noFsyncPort, noFsyncDir, "berth-nofsync.log",
        "--storage-fsync", "false") : null;
    Blobs blobs = new Blobs(this);
    ManifestPuts puts = new ManifestPuts(this);
    try {
      Processes.awaitOk(berthPort, bp, Duration.ofSeconds(120));
      Processes.awaitOk(r2Port, rp, Duration.ofSeconds(60));
      berth = new Target("berth", "http://127.0.0.1:" + berthPort, bp, berthDir);
      registry2 = new Target("registry2", "http://127.0.0.1:" + r2Port, rp, r2Dir);
      log("bench: Berth pid " + bp.pid() + " on " + berth.base + ", registry:2 pid " + rp.pid()
          + " on " + registry2.base);
      if (np != null) {
        Processes.awaitOk(noFsyncPort, np, Duration.ofSeconds(120));
        berthNoFsync = new Target("berth-nofsync", "http://127.0.0.1:" + noFsyncPort, np,
            noFsyncDir);
        log("bench: Berth --storage-fsync false pid " + np.pid() + " on " + berthNoFsync.base
            + " (push and manifest PUT rows only)");
      }
      Listings listings = new Listings(this);
      guarded("manifests", new Manifests(this)::measure);
      guarded("tags", listings::measureTags);
      guarded("catalog", listings::measureCatalog);
      guarded("referrers", new Referrers(this)::measure);
      guarded("pull", blobs::measurePull);
      guarded("push", blobs::measurePush);
      guarded("manifest-put", puts::measure);
      guarded("memory", new Memory(this)::measure);
    } finally {
      Processes.stop(bp);
      Processes.stop(rp);
      Processes.stop(np);
      // What the write rows stored leaves the data set, with the servers stopped, so that the
      // data set is as it was.
      for (Path root : noFsyncDir == null ? List.of(berthDir, r2Dir)
          : List.of(berthDir, r2Dir, noFsyncDir)) {
        blobs.removePushedBlobs(root);
        puts.removeStored(root);
      }
    }
  }

  Process startBerth(int port, Path storage, String log, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--storage", storage.toString()));
    args.addAll(List.of(extra));
    return Processes.binBerth(config, args.toArray(String[]::new))
        .redirectErrorStream(true).redirectOutput(config.work.resolve(log).toFile()).start();
  }

  /**
   * Runs {@code measure} against Berth and registry:2 in turn, {@code rounds} times, after one
   * unrecorded warm-up run each when {@code warmUp}. With {@code --profile}, Berth's runs of this
   * workload are recorded with JFR.
   */
  void alternate(String what, List<Row> feeds, boolean warmUp, Measure measure) throws Exception {
    alternate(what, feeds, List.of(), warmUp, measure);
  }

  /**
   * {@link #alternate(String, List, boolean, Measure)} with, when {@code noFsync} is not empty,
   * Berth under {@code --storage-fsync false} as a third server in every round (Berth, Berth
   * without flushing, registry:2): its values feed {@code noFsync}, whose registry:2 values are the
   * same runs as those of {@code feeds}. Each pair becomes a line of the cost of flushing.
   */
  void alternate(String what, List<Row> feeds, List<Row> noFsync, boolean warmUp, Measure measure)
      throws Exception {
    log("== " + what);
    boolean third = !noFsync.isEmpty() && berthNoFsync != null;
    if (third) {
      for (int i = 0; i < feeds.size(); i++) {
        flushPairs.put(feeds.get(i), noFsync.get(i));
      }
    }
    if (warmUp) {
      measure.run(berth, -1);
      pause();
      if (third) {
        measure.run(berthNoFsync, -1);
        pause();
      }
      measure.run(registry2, -1);
      pause();
    }
    String recording = config.profile ? Profiles.start(berth, what) : null;
    for (int round = 0; round < config.rounds; round++) {
      double[] b = measure.run(berth, round);
      pause();
      double[] n = null;
      if (third) {
        n = measure.run(berthNoFsync, round);
        pause();
      }
      double[] r = measure.run(registry2, round);
      pause();
      StringBuilder line = new StringBuilder("  round " + (round + 1) + ":");
      for (int i = 0; i < feeds.size(); i++) {
        feeds.get(i).berth.add(b[i]);
        feeds.get(i).registry2.add(r[i]);
        line.append(String.format(Locale.ROOT, "  %s Berth %s", feeds.get(i).id,
            Util.format(b[i])));
        if (n != null) {
          noFsync.get(i).berth.add(n[i]);
          noFsync.get(i).registry2.add(r[i]);
          line.append(" / Berth fsync off ").append(Util.format(n[i]));
        }
        line.append(String.format(Locale.ROOT, " / registry:2 %s %s", Util.format(r[i]),
            feeds.get(i).unit));
      }
      log(line.toString());
    }
    if (recording != null) {
      Profiles.stop(berth, config.results, recording);
    }
  }

  /** {@code sync}: what earlier runs left in the page cache goes to disk now, untimed. */
  void syncDisk() throws Exception {
    Processes.ExecResult r = Processes.exec(List.of("sync"), null);
    Util.check(r.code() == 0, "sync: " + r.output());
  }

  void pause() throws InterruptedException {
    Thread.sleep(config.pauseMillis);
  }
}
