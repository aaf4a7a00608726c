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
 * {@link Memory} and {@link Gc}. {@link DataSets} and {@link Layout} write the data they read,
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
  final List<String> info = new ArrayList<>();
  final List<String> failures = new ArrayList<>();
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
        || config.wants("memory");
    if (http) {
      guarded("http", this::httpWorkloads);
    }
    guarded("gc", new Gc(this)::measure);
    Processes.deleteTree(config.work);
    if (config.clean) {
      // Deleting a million small files takes minutes on a disk mounted with discard.
      log("== deleting the data sets (--clean)");
      Processes.deleteTree(config.data);
    }
    info("whole run took " + Math.round((System.nanoTime() - t0) / 1e9) + " s");
    new Report(this).write();
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
  // HTTP workloads on one pair of long-running servers (rows 1-6 and 9)

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
  DataSets.SeedInfo seed;

  void httpWorkloads() throws Exception {
    String name = String.format(Locale.ROOT, "http-%dM-t%d-r%d-ref%s", config.bigBlob / MiB,
        config.tags, config.repos, Arrays.stream(config.referrers).mapToObj(String::valueOf)
            .collect(java.util.stream.Collectors.joining("_")));
    Path set = config.data.resolve(name);
    Path berthDir = set.resolve("berth");
    Path r2Dir = set.resolve("registry2");
    seed = new DataSets(this).http(set, berthDir, r2Dir);
    int berthPort = Processes.freePort();
    Process bp = new ProcessBuilder(Processes.javaBerth(config, "serve", "--host", "127.0.0.1",
        "--port", String.valueOf(berthPort), "--storage", berthDir.toString()))
        .redirectErrorStream(true).redirectOutput(config.work.resolve("berth.log").toFile())
        .start();
    int r2Port = Processes.freePort();
    Path cfg = Processes.writeRegistry2Config(config.work.resolve("registry2.yml"), r2Dir,
        r2Port);
    Process rp = new ProcessBuilder("docker-registry", "serve", cfg.toString())
        .redirectErrorStream(true).redirectOutput(config.work.resolve("registry2.log").toFile())
        .start();
    try {
      Processes.awaitOk(berthPort, bp, Duration.ofSeconds(120));
      Processes.awaitOk(r2Port, rp, Duration.ofSeconds(60));
      berth = new Target("berth", "http://127.0.0.1:" + berthPort, bp, berthDir);
      registry2 = new Target("registry2", "http://127.0.0.1:" + r2Port, rp, r2Dir);
      log("bench: Berth pid " + bp.pid() + " on " + berth.base + ", registry:2 pid " + rp.pid()
          + " on " + registry2.base);
      Listings listings = new Listings(this);
      Blobs blobs = new Blobs(this);
      guarded("manifests", new Manifests(this)::measure);
      guarded("tags", listings::measureTags);
      guarded("catalog", listings::measureCatalog);
      guarded("referrers", new Referrers(this)::measure);
      guarded("pull", blobs::measurePull);
      guarded("push", blobs::measurePush);
      blobs.removePushedBlobs(berthDir);
      blobs.removePushedBlobs(r2Dir);
      guarded("memory", new Memory(this)::measure);
    } finally {
      Processes.stop(bp);
      Processes.stop(rp);
    }
  }

  /**
   * Runs {@code measure} against Berth and registry:2 in turn, {@code rounds} times, after one
   * unrecorded warm-up run each when {@code warmUp}. With {@code --profile}, Berth's runs of this
   * workload are recorded with JFR.
   */
  void alternate(String what, List<Row> feeds, boolean warmUp, Measure measure) throws Exception {
    log("== " + what);
    if (warmUp) {
      measure.run(berth, -1);
      pause();
      measure.run(registry2, -1);
      pause();
    }
    String recording = config.profile ? Profiles.start(berth, what) : null;
    for (int round = 0; round < config.rounds; round++) {
      double[] b = measure.run(berth, round);
      pause();
      double[] r = measure.run(registry2, round);
      pause();
      StringBuilder line = new StringBuilder("  round " + (round + 1) + ":");
      for (int i = 0; i < feeds.size(); i++) {
        feeds.get(i).berth.add(b[i]);
        feeds.get(i).registry2.add(r[i]);
        line.append(String.format(Locale.ROOT, "  %s Berth %s / registry:2 %s %s",
            feeds.get(i).id, Util.format(b[i]), Util.format(r[i]), feeds.get(i).unit));
      }
      log(line.toString());
    }
    if (recording != null) {
      Profiles.stop(berth, config.results, recording);
    }
  }

  void pause() throws InterruptedException {
    Thread.sleep(config.pauseMillis);
  }
}
