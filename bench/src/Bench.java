import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 */
public final class Bench {

  // ------------------------------------------------------------------------------------------
  // Configuration

  static final long MiB = 1024L * 1024;

  static final class Config {
    Path repo;
    Path bench;
    Path results;
    Path work;
    Path jar;
    Path classes;
    boolean quick;
    boolean profile;
    boolean fresh;
    boolean clean;
    Path data;
    int rounds = 3;
    Set<String> only = Set.of();
    List<String> berthJavaOpts = List.of();

    long bigBlob = 256 * MiB;
    int parallelClients = 64;
    int parallelPerClient = 4;
    int parallelBlob = (int) MiB;
    int pullClients = 32;
    int pullSingleRepeats = 2;
    int connections = 32;
    int loadSeconds = 8;
    int tags = 10_000;
    int tagPage = 1000;
    int repos = 2_000;
    int catalogPage = 100;
    int[] referrers = {10, 1_000, 100_000};
    int gcRepos = 100;
    int gcManifestsPerRepo = 100;
    int gcBlobsPerRepo = 1000;
    int walkRepeats = 20;
    long walkWarmUpMillis = 10_000;
    int startupRounds = 5;
    int shaSeconds = 3;
    long loopbackBytes = 4096 * MiB;
    long pauseMillis = 500;

    void applyQuick() {
      quick = true;
      bigBlob = 32 * MiB;
      parallelPerClient = 1;
      pullSingleRepeats = 2;
      loadSeconds = 2;
      tags = 1_000;
      repos = 200;
      referrers = new int[] {10, 100, 1_000};
      gcRepos = 5;
      walkRepeats = 5;
      walkWarmUpMillis = 500;
      startupRounds = 3;
      shaSeconds = 1;
      loopbackBytes = 512 * MiB;
      pauseMillis = 100;
    }

    boolean wants(String group) {
      return only.isEmpty() || only.contains(group);
    }

    int gcBlobs() {
      return gcRepos * gcBlobsPerRepo;
    }

    int gcManifests() {
      return gcRepos * gcManifestsPerRepo;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Results

  /** One line of the table: a workload, its values per registry and round, and its limit. */
  static final class Row {
    final String id;
    final String title;
    final String unit;
    final boolean higherIsBetter;
    final List<Double> berth = new ArrayList<>();
    final List<Double> registry2 = new ArrayList<>();
    String limit = "";
    String note = "";

    Row(String id, String title, String unit, boolean higherIsBetter) {
      this.id = id;
      this.title = title;
      this.unit = unit;
      this.higherIsBetter = higherIsBetter;
    }

    double berthMedian() {
      return median(berth);
    }

    double registry2Median() {
      return median(registry2);
    }

    /** Greater than 1 when Berth is better. */
    double ratio() {
      double b = berthMedian();
      double r = registry2Median();
      if (Double.isNaN(b) || Double.isNaN(r) || b == 0 || r == 0) {
        return Double.NaN;
      }
      return higherIsBetter ? b / r : r / b;
    }

    void addNote(String text) {
      note = note.isEmpty() ? text : note + "; " + text;
    }
  }

  record Goal(String name, boolean met, String detail) {}

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
      new Bench(c).summariseProfile(jfr, jfr.getFileName().toString().replaceAll("\\.jfr$", ""));
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
    new Bench(c).run();
  }

  void run() throws Exception {
    deleteTree(config.work);
    Files.createDirectories(config.work);
    log("bench: " + (config.quick ? "quick" : "full") + " run, " + config.rounds
        + " rounds per workload, work dir " + config.work);
    log("bench: " + Runtime.getRuntime().availableProcessors() + " cores, "
        + memTotalMiB() + " MiB memory, load average " + loadAverage());
    long t0 = System.nanoTime();
    guarded("limits", this::measureLimits);
    guarded("startup", this::measureStartup);
    boolean http = config.wants("manifests") || config.wants("tags") || config.wants("catalog")
        || config.wants("referrers") || config.wants("pull") || config.wants("push")
        || config.wants("memory");
    if (http) {
      guarded("http", this::httpWorkloads);
    }
    guarded("gc", this::measureGc);
    deleteTree(config.work);
    if (config.clean) {
      // Deleting a million small files takes minutes on a disk mounted with discard.
      log("== deleting the data sets (--clean)");
      deleteTree(config.data);
    }
    info("whole run took " + Math.round((System.nanoTime() - t0) / 1e9) + " s");
    report();
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
  // Limits

  void measureLimits() throws Exception {
    if (!config.wants("limits")) {
      return;
    }
    log("== limits of this machine");
    String openssl = exec(List.of("openssl", "speed", "-bytes", "1048576", "-evp", "sha256",
        "-seconds", String.valueOf(config.shaSeconds)), null).output;
    Matcher m = Pattern.compile("(?m)^sha256\\s+([\\d.]+)k\\s*$").matcher(openssl);
    if (m.find()) {
      limits.put("sha256_openssl_MBps", Double.parseDouble(m.group(1)) * 1000 / 1e6);
    }
    limits.put("sha256_java_MBps", javaSha256());
    Path dd = config.work.resolve("dd.bin");
    long count = config.bigBlob / MiB;
    String w = exec(List.of("dd", "if=/dev/zero", "of=" + dd, "bs=1M", "count=" + count,
        "oflag=direct", "conv=fsync"), null).output;
    limits.put("disk_write_direct_MBps", ddRate(w));
    String r = exec(List.of("dd", "if=" + dd, "of=/dev/null", "bs=1M", "iflag=direct"), null).output;
    limits.put("disk_read_direct_MBps", ddRate(r));
    Files.deleteIfExists(dd);
    limits.put("loopback_MBps", loopback(config.loopbackBytes));
    limits.forEach((k, v) -> log(String.format(Locale.ROOT, "  %-24s %10.0f", k, v)));
  }

  double javaSha256() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[(int) MiB];
    new SplittableRandom(1).nextBytes(buffer);
    long end = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < end) {
      md.update(buffer);
    }
    md.digest();
    long bytes = 0;
    long start = System.nanoTime();
    end = start + config.shaSeconds * 1_000_000_000L;
    long now;
    while ((now = System.nanoTime()) < end) {
      md.update(buffer);
      bytes += buffer.length;
    }
    md.digest();
    return bytes / ((now - start) / 1e9) / 1e6;
  }

  static double ddRate(String output) {
    Matcher m = Pattern.compile("(\\d+) bytes .* copied, ([\\d.,]+) s").matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("cannot read dd output: " + output);
    }
    return Long.parseLong(m.group(1)) / Double.parseDouble(m.group(2).replace(',', '.')) / 1e6;
  }

  /** One TCP stream over 127.0.0.1 between two threads of this JVM, 256 KiB writes and reads. */
  static double loopback(long total) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicLong received = new AtomicLong();
      Thread reader = new Thread(() -> {
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
          byte[] buffer = new byte[256 * 1024];
          for (int n; (n = in.read(buffer)) > 0; ) {
            received.addAndGet(n);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      reader.start();
      byte[] buffer = new byte[256 * 1024];
      long start = System.nanoTime();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        OutputStream out = s.getOutputStream();
        for (long sent = 0; sent < total; sent += buffer.length) {
          out.write(buffer);
        }
        s.shutdownOutput();
        reader.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return received.get() / seconds / 1e6;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Row 8: start-up

  void measureStartup() throws Exception {
    if (!config.wants("startup")) {
      return;
    }
    log("== start-up (" + config.startupRounds + " rounds)");
    Row jar = row("startup.jar", "start-up: java -jar to first 200 on /v2/ (r2: process start)",
        "ms", false);
    Row embedded = row("startup.embedded",
        "start-up: embedded in-memory, in-process (r2: process start)", "ms", false);
    List<Double> warm = new ArrayList<>();
    List<Double> jvmToReady = new ArrayList<>();
    List<Double> jvmOnly = new ArrayList<>();
    for (int round = 0; round < config.startupRounds; round++) {
      Path berthDir = Files.createDirectories(config.work.resolve("startup-berth-" + round));
      Path r2Dir = Files.createDirectories(config.work.resolve("startup-r2-" + round));
      // A: java -jar berth.jar serve
      int port = freePort();
      List<String> cmd = new ArrayList<>(List.of("java"));
      cmd.addAll(config.berthJavaOpts);
      cmd.addAll(List.of("-jar", config.jar.toString(), "serve", "--host", "127.0.0.1", "--port",
          String.valueOf(port), "--storage", berthDir.toString()));
      double b = timeToReady(cmd, port, config.work.resolve("startup-berth.log"));
      jar.berth.add(b);
      pause();
      // B: docker-registry serve
      port = freePort();
      Path cfg = writeRegistry2Config(config.work.resolve("startup-r2.yml"), r2Dir, port);
      double r = timeToReady(List.of("docker-registry", "serve", cfg.toString()), port,
          config.work.resolve("startup-r2.log"));
      jar.registry2.add(r);
      embedded.registry2.add(r);
      pause();
      // A again: the embedded, in-process start in a fresh JVM
      List<String> e = new ArrayList<>(List.of("java"));
      e.addAll(config.berthJavaOpts);
      e.addAll(List.of("-cp", config.classes + ":" + config.jar, "EmbeddedStart"));
      String out = exec(e, null).output;
      Map<String, Double> values = keyValues(out);
      if (!values.containsKey("cold_ms")) {
        throw new IllegalStateException("EmbeddedStart printed: " + out);
      }
      embedded.berth.add(values.get("cold_ms"));
      warm.add(values.get("warm_ms"));
      jvmToReady.add(values.get("jvm_to_ready_ms"));
      // The JVM alone: java -version.
      long t = System.nanoTime();
      exec(List.of("java", "-version"), null);
      jvmOnly.add((System.nanoTime() - t) / 1e6);
      log(String.format(Locale.ROOT, "  round %d: java -jar %.0f ms, registry:2 %.0f ms, "
          + "embedded %.0f ms (second start in the same JVM %.1f ms)", round + 1, b, r,
          values.get("cold_ms"), values.get("warm_ms")));
      pause();
    }
    embedded.addNote(String.format(Locale.ROOT, "first start in a fresh JVM; a second start in "
        + "the same JVM takes %.1f ms; JVM start to first 200 %.0f ms", median(warm),
        median(jvmToReady)));
    jar.addNote(String.format(Locale.ROOT, "of which JVM start (java -version) ~%.0f ms",
        median(jvmOnly)));
  }

  /** Starts a server process and polls {@code /v2/} until it answers 200; stops it; ms. */
  double timeToReady(List<String> command, int port, Path log) throws Exception {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      awaitOk(port, p, Duration.ofSeconds(60));
      return (System.nanoTime() - start) / 1e6;
    } finally {
      stop(p);
    }
  }

  /** Polls GET /v2/ on a plain socket every millisecond until it answers 200. */
  static void awaitOk(int port, Process p, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] request = ("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    while (System.nanoTime() < deadline) {
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException("server exited with " + p.exitValue()
            + " before it answered");
      }
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.getOutputStream().write(request);
        InputStream in = socket.getInputStream();
        StringBuilder status = new StringBuilder();
        for (int ch; (ch = in.read()) >= 0 && ch != '\n'; ) {
          status.append((char) ch);
        }
        if (status.toString().contains(" 200")) {
          return;
        }
      } catch (ConnectException notYet) {
        // Not listening yet.
      } catch (IOException closedEarly) {
        // Listening but not serving yet.
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException("no 200 on port " + port + " within " + timeout);
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
  SeedInfo seed;

  void httpWorkloads() throws Exception {
    String name = String.format(Locale.ROOT, "http-%dM-t%d-r%d-ref%s", config.bigBlob / MiB,
        config.tags, config.repos, Arrays.stream(config.referrers).mapToObj(String::valueOf)
            .collect(java.util.stream.Collectors.joining("_")));
    Path set = config.data.resolve(name);
    Path berthDir = set.resolve("berth");
    Path r2Dir = set.resolve("registry2");
    Path complete = set.resolve("complete.properties");
    java.util.Properties about = new java.util.Properties();
    if (Files.exists(complete) && !config.fresh) {
      log("== data set " + set + " (kept from an earlier run; --fresh writes it anew)");
      try (var in = Files.newInputStream(complete)) {
        about.load(in);
      }
    } else {
      log("== data set " + set + " (written in the registry:2 layout, copied for each registry)");
      deleteTree(set);
      long t = System.nanoTime();
      SeedInfo written = writeSeed(r2Dir);
      about.setProperty("pull", written.pullBlob);
      about.setProperty("subjects", String.join(",", written.subjects));
      about.setProperty("indexSizes", written.indexSizes.stream().map(String::valueOf)
          .collect(java.util.stream.Collectors.joining(",")));
      about.setProperty("written", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t)
          / 1e9));
      t = System.nanoTime();
      copyTree(r2Dir, berthDir);
      about.setProperty("copied", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t)
          / 1e9));
      ExecResult reindex = exec(javaBerth("reindex", "--storage", berthDir.toString()), null);
      if (reindex.code != 0) {
        throw new IllegalStateException("berth reindex exited with " + reindex.code + ": "
            + reindex.output);
      }
      about.setProperty("reindex", String.format(Locale.ROOT, "%.1f", reindex.seconds));
      about.setProperty("reindexOutput", reindex.output.trim());
      try (var out = Files.newOutputStream(complete)) {
        about.store(out, "bench/run data set, complete");
      }
    }
    seed = new SeedInfo(about.getProperty("pull"), List.of(about.getProperty("subjects")
        .split(",")), Arrays.stream(about.getProperty("indexSizes").split(","))
        .map(Integer::valueOf).toList());
    info(String.format(Locale.ROOT, "HTTP data set: written directly in the registry:2 layout "
        + "in %s s, copied for Berth (cp -a) in %s s; then 'java -jar berth.jar reindex' built "
        + "Berth's referrers index over it in %s s: %s", about.getProperty("written"),
        about.getProperty("copied"), about.getProperty("reindex"),
        about.getProperty("reindexOutput")));
    int berthPort = freePort();
    Process bp = new ProcessBuilder(javaBerth("serve", "--host", "127.0.0.1", "--port",
        String.valueOf(berthPort), "--storage", berthDir.toString()))
        .redirectErrorStream(true).redirectOutput(config.work.resolve("berth.log").toFile())
        .start();
    int r2Port = freePort();
    Path cfg = writeRegistry2Config(config.work.resolve("registry2.yml"), r2Dir, r2Port);
    Process rp = new ProcessBuilder("docker-registry", "serve", cfg.toString())
        .redirectErrorStream(true).redirectOutput(config.work.resolve("registry2.log").toFile())
        .start();
    try {
      awaitOk(berthPort, bp, Duration.ofSeconds(120));
      awaitOk(r2Port, rp, Duration.ofSeconds(60));
      berth = new Target("berth", "http://127.0.0.1:" + berthPort, bp, berthDir);
      registry2 = new Target("registry2", "http://127.0.0.1:" + r2Port, rp, r2Dir);
      log("bench: Berth pid " + bp.pid() + " on " + berth.base + ", registry:2 pid " + rp.pid()
          + " on " + registry2.base);
      guarded("manifests", this::measureManifests);
      guarded("tags", this::measureTags);
      guarded("catalog", this::measureCatalog);
      guarded("referrers", this::measureReferrers);
      guarded("pull", this::measurePull);
      guarded("push", this::measurePush);
      removePushedBlobs(berthDir);
      removePushedBlobs(r2Dir);
      guarded("memory", this::measureMemory);
    } finally {
      stop(bp);
      stop(rp);
    }
  }

  List<String> javaBerth(String... args) {
    List<String> cmd = new ArrayList<>(List.of("java"));
    cmd.addAll(config.berthJavaOpts);
    cmd.add("-jar");
    cmd.add(config.jar.toString());
    cmd.addAll(List.of(args));
    return cmd;
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
    String recording = config.profile ? startRecording(what) : null;
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
            feeds.get(i).id, format(b[i]), format(r[i]), feeds.get(i).unit));
      }
      log(line.toString());
    }
    if (recording != null) {
      stopRecording(recording);
    }
  }

  void pause() throws InterruptedException {
    Thread.sleep(config.pauseMillis);
  }

  // Row 3: manifests ----------------------------------------------------------------------

  void measureManifests() throws Exception {
    if (!config.wants("manifests")) {
      return;
    }
    Row getRps = row("manifest.get.rps", "manifest GET by tag, " + config.connections
        + " connections (wrk)", "req/s", true);
    Row getP99 = row("manifest.get.p99", "manifest GET by tag, p99 latency (wrk)", "ms", false);
    Row headRps = row("manifest.head.rps", "manifest HEAD by tag, " + config.connections
        + " connections (ab)", "req/s", true);
    Row headP99 = row("manifest.head.p99", "manifest HEAD by tag, p99 latency (ab)", "ms", false);
    String path = "/v2/bench/app/manifests/latest";
    String accept = "Accept: " + OCI_MANIFEST;
    alternate("manifest GET by tag", List.of(getRps, getP99), true, (t, round) -> {
      Wrk w = wrk(t.base + path, config.connections, round < 0 ? 1 : config.loadSeconds, accept);
      return new double[] {w.requestsPerSecond, w.p99Millis};
    });
    alternate("manifest HEAD by tag", List.of(headRps, headP99), true, (t, round) -> {
      Ab a = abHead(t.base + path, config.connections, round < 0 ? 1 : config.loadSeconds, accept);
      return new double[] {a.requestsPerSecond, a.p99Millis};
    });
  }

  record Wrk(double requestsPerSecond, double bytesPerSecond, double p99Millis, String output) {}

  Wrk wrk(String url, int connections, int seconds, String... headers) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds
        + "s", "--latency", "--timeout", "60s"));
    for (String h : headers) {
      cmd.add("-H");
      cmd.add(h);
    }
    cmd.add(url);
    String out = exec(cmd, null).output;
    Matcher rps = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
    Matcher tps = Pattern.compile("Transfer/sec:\\s+([\\d.]+)([KMGT]?B)").matcher(out);
    Matcher p99 = Pattern.compile("(?m)^\\s+99%\\s+([\\d.]+)(us|ms|s|m)\\s*$").matcher(out);
    if (!rps.find() || !tps.find()) {
      throw new IllegalStateException("cannot read wrk output: " + out);
    }
    Matcher errors = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
    if (errors.find()) {
      throw new IllegalStateException(url + ": " + errors.group(1) + " non-2xx responses");
    }
    double bytes = Double.parseDouble(tps.group(1)) * switch (tps.group(2)) {
      case "KB" -> 1024.0;
      case "MB" -> 1024.0 * 1024;
      case "GB" -> 1024.0 * 1024 * 1024;
      case "TB" -> 1024.0 * 1024 * 1024 * 1024;
      default -> 1.0;
    };
    double p = Double.NaN;
    if (p99.find()) {
      p = Double.parseDouble(p99.group(1)) * switch (p99.group(2)) {
        case "us" -> 0.001;
        case "ms" -> 1.0;
        case "s" -> 1000.0;
        default -> 60_000.0;
      };
    }
    return new Wrk(Double.parseDouble(rps.group(1)), bytes, p, out);
  }

  record Ab(double requestsPerSecond, double p99Millis) {}

  Ab abHead(String url, int connections, int seconds, String header) throws Exception {
    String out = exec(List.of("ab", "-q", "-k", "-i", "-r", "-c", String.valueOf(connections),
        "-t", String.valueOf(seconds), "-n", "100000000", "-H", header, url), null).output;
    Matcher rps = Pattern.compile("Requests per second:\\s+([\\d.]+)").matcher(out);
    Matcher p99 = Pattern.compile("(?m)^\\s+99%\\s+(\\d+)").matcher(out);
    Matcher non2xx = Pattern.compile("Non-2xx responses:\\s+(\\d+)").matcher(out);
    if (!rps.find()) {
      throw new IllegalStateException("cannot read ab output: " + out);
    }
    if (non2xx.find()) {
      throw new IllegalStateException(url + ": " + non2xx.group(1) + " non-2xx responses");
    }
    return new Ab(Double.parseDouble(rps.group(1)),
        p99.find() ? Double.parseDouble(p99.group(1)) : Double.NaN);
  }

  // Rows 4 and 5: listing walks -------------------------------------------------------------

  void measureTags() throws Exception {
    if (!config.wants("tags")) {
      return;
    }
    Row walk = row("tags.walk", String.format(Locale.ROOT, "tag list of %,d tags, walked with n=%d",
        config.tags, config.tagPage), "ms", false);
    int[] pages = measureWalk(walk, "tag listing walk", "/v2/bench/tags/tags/list?n="
        + config.tagPage, "tags", config.tags);
    walk.addNote("pages: Berth " + pages[0] + ", registry:2 " + pages[1]
        + (pages[1] == 1 ? " (registry:2 2.8 ignores n on tags/list and sends all tags at once)"
        : ""));
  }

  void measureCatalog() throws Exception {
    if (!config.wants("catalog")) {
      return;
    }
    Row walk = row("catalog.walk", String.format(Locale.ROOT,
        "catalog of %,d repositories, walked with n=%d", config.repos, config.catalogPage),
        "ms", false);
    int[] pages = measureWalk(walk, "catalog walk", "/v2/_catalog?n=" + config.catalogPage,
        "repositories", config.repos);
    walk.addNote("pages: Berth " + pages[0] + ", registry:2 " + pages[1]);
  }

  /**
   * Times {@code walkRepeats} walks from {@code first} per round on each registry, checking that
   * each lists {@code expected} items of {@code field}; returns the page counts (Berth,
   * registry:2). The unrecorded warm-up run walks for {@code walkWarmUpMillis}: a registry in
   * service has long since compiled its listing code, and a handful of walks would measure the
   * JIT rather than the registry (registry:2 is compiled ahead of time; both get the same warm-up).
   */
  int[] measureWalk(Row walk, String what, String first, String field, int expected)
      throws Exception {
    int[] pages = new int[2];
    alternate(what, List.of(walk), true, (t, round) -> {
      if (round < 0) {
        long until = System.nanoTime() + config.walkWarmUpMillis * 1_000_000;
        while (System.nanoTime() < until) {
          walk(t.base, first, field);
        }
      }
      double[] times = new double[config.walkRepeats];
      for (int i = 0; i < times.length; i++) {
        long start = System.nanoTime();
        Walk w = walk(t.base, first, field);
        times[i] = (System.nanoTime() - start) / 1e6;
        check(w.items == expected, t.name + " listed " + w.items + " " + field + ", not "
            + expected);
        pages[t.berth() ? 0 : 1] = w.pages;
      }
      return new double[] {median(times)};
    });
    return pages;
  }

  record Walk(int pages, int items) {}

  static final Pattern LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  /**
   * Follows {@code Link: <...>; rel="next"} from {@code first}; counts the array's strings. Uses the
   * JDK's synchronous {@code HttpURLConnection} (keep-alive): {@code java.net.http} costs about 2 ms
   * of client time per request on this machine, which a walk of 10 pages would charge 10 times to
   * the registry that honours {@code n} and once to the one that ignores it.
   */
  Walk walk(String base, String first, String field) throws Exception {
    String next = first;
    int pages = 0;
    int items = 0;
    while (next != null) {
      java.net.HttpURLConnection c = (java.net.HttpURLConnection)
          URI.create(base).resolve(next).toURL().openConnection();
      int status = c.getResponseCode();
      String body;
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      check(status == 200, "GET " + next + " answered " + status);
      pages++;
      int at = body.indexOf("\"" + field + "\"");
      int open = body.indexOf('[', at);
      int close = body.indexOf(']', open);
      int quotes = 0;
      for (int i = open; i < close; i++) {
        if (body.charAt(i) == '"') {
          quotes++;
        }
      }
      items += quotes / 2;
      String link = c.getHeaderField("Link");
      next = null;
      if (link != null) {
        Matcher m = LINK.matcher(link);
        if (m.find()) {
          next = m.group(1);
        }
      }
    }
    return new Walk(pages, items);
  }

  // Row 6: referrers -------------------------------------------------------------------------

  void measureReferrers() throws Exception {
    if (!config.wants("referrers")) {
      return;
    }
    List<Row> feeds = new ArrayList<>();
    for (int count : config.referrers) {
      feeds.add(row("referrers." + count, String.format(Locale.ROOT,
          "referrers first page, %,d referrers (r2: GET sha256-<hex> index)", count), "ms", false));
    }
    // The first request for each subject after start: Berth loads the subject's index entries.
    for (int i = 0; i < config.referrers.length; i++) {
      double b = once(berth, i);
      double r = once(registry2, i);
      info(String.format(Locale.ROOT, "referrers, %,d: the first request after start took "
          + "%.1f ms on Berth (it loads the subject's index entries from storage), %s on "
          + "registry:2", config.referrers[i], b, Double.isNaN(r) ? "an error" : format(r) + " ms"));
      if (Double.isNaN(r)) {
        feeds.get(i).addNote(String.format(Locale.ROOT, "registry:2 cannot serve this fallback "
            + "index (%.1f MiB): %s; distribution reads no manifest above 4 MiB, so a client "
            + "cannot list these referrers through the tag schema at all", seed.indexSizes.get(i)
            / (double) MiB, registry2Refusals.get(i)));
      }
    }
    alternate("referrers first page", feeds, true, (t, round) -> {
      double[] values = new double[config.referrers.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = latency(t, i, round < 0 ? 1.0 : 1.5);
      }
      return values;
    });
    for (Row r : feeds) {
      r.addNote("Berth: GET /v2/<name>/referrers/<digest>, its first page (100 entries by "
          + "default); registry:2 has no referrers API, so a client GETs the whole fallback index");
    }
  }

  HttpRequest referrersRequest(Target t, int i) {
    String subject = seed.subjects.get(i);
    String url = t.berth() ? t.base + "/v2/bench/refs/referrers/" + subject
        : t.base + "/v2/bench/refs/manifests/" + subject.replace(':', '-');
    return HttpRequest.newBuilder(URI.create(url)).header("Accept", OCI_INDEX).GET().build();
  }

  int expectedEntries(Target t, int i) {
    return t.berth() ? Math.min(100, config.referrers[i]) : config.referrers[i];
  }

  /** Why registry:2 refused a subject's fallback index, by subject. */
  final Map<Integer, String> registry2Refusals = new TreeMap<>();

  /** One GET, in ms; NaN when registry:2 refuses the fallback index. */
  double once(Target t, int i) throws Exception {
    HttpRequest request = referrersRequest(t, i);
    long start = System.nanoTime();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    double ms = (System.nanoTime() - start) / 1e6;
    if (!t.berth() && response.statusCode() != 200) {
      String body = new String(response.body(), StandardCharsets.UTF_8).trim();
      registry2Refusals.put(i, "GET answers " + response.statusCode() + " "
          + body.substring(0, Math.min(160, body.length())));
      return Double.NaN;
    }
    checkReferrers(t, i, response);
    return ms;
  }

  void checkReferrers(Target t, int i, HttpResponse<byte[]> response) {
    check(response.statusCode() == 200, t.name + " " + response.uri() + " answered "
        + response.statusCode());
    String body = new String(response.body(), StandardCharsets.UTF_8);
    int entries = 0;
    for (int at = body.indexOf("\"digest\""); at >= 0; at = body.indexOf("\"digest\"", at + 1)) {
      entries++;
    }
    check(entries == expectedEntries(t, i), t.name + " listed " + entries + " referrers of "
        + config.referrers[i] + ", expected " + expectedEntries(t, i));
  }

  /** Sequential GETs for about {@code seconds} (at least 3): the median time of one, in ms. */
  double latency(Target t, int i, double seconds) throws Exception {
    if (!t.berth() && registry2Refusals.containsKey(i)) {
      return Double.NaN;
    }
    HttpRequest request = referrersRequest(t, i);
    List<Double> times = new ArrayList<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    HttpResponse<byte[]> last;
    do {
      long start = System.nanoTime();
      last = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      times.add((System.nanoTime() - start) / 1e6);
    } while (times.size() < 3 || (System.nanoTime() < end && times.size() < 2000));
    checkReferrers(t, i, last);
    return median(times);
  }

  // Rows 1 and 2: blobs ----------------------------------------------------------------------

  void measurePull() throws Exception {
    if (!config.wants("pull")) {
      return;
    }
    String size = config.bigBlob / MiB + " MiB";
    Row single = row("pull.1", "blob pull, " + size + ", 1 client (curl)", "MB/s", true);
    Row many = row("pull.n", "blob pull, " + size + ", " + config.pullClients
        + " concurrent clients (wrk)", "MB/s", true);
    String path = "/v2/bench/app/blobs/" + seed.pullBlob;
    alternate("blob pull, 1 client", List.of(single), true, (t, round) -> {
      long bytes = 0;
      double seconds = 0;
      for (int i = 0; i < (round < 0 ? 1 : config.pullSingleRepeats); i++) {
        ExecResult r = exec(List.of("curl", "-sS", "-o", "/dev/null", "-w",
            "%{http_code} %{size_download} %{time_total}", t.base + path), null);
        String[] f = r.output.trim().split(" ");
        check(f[0].equals("200") && Long.parseLong(f[1]) == config.bigBlob,
            t.name + " pull: " + r.output);
        bytes += Long.parseLong(f[1]);
        seconds += Double.parseDouble(f[2]);
      }
      return new double[] {bytes / seconds / 1e6};
    });
    alternate("blob pull, " + config.pullClients + " clients", List.of(many), true, (t, round) -> {
      Wrk w = wrk(t.base + path, config.pullClients, round < 0 ? 2 : config.loadSeconds * 2);
      return new double[] {w.bytesPerSecond / 1e6};
    });
    String limit = limits("loopback", "loopback_MBps", "disk read", "disk_read_direct_MBps");
    single.limit = limit;
    many.limit = limit;
  }

  /** "label value, label value" for the limits measured in this run. */
  String limits(String... labelsAndKeys) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < labelsAndKeys.length; i += 2) {
      Double v = limits.get(labelsAndKeys[i + 1]);
      if (v != null) {
        parts.add(labelsAndKeys[i] + " " + format(v));
      }
    }
    return String.join(", ", parts);
  }

  void measurePush() throws Exception {
    if (!config.wants("push")) {
      return;
    }
    String size = config.bigBlob / MiB + " MiB";
    Row single = row("push.1", "blob push, " + size + " monolithic, 1 client (curl)", "MB/s",
        true);
    Row parallel = row("push.n", "blob push, " + config.parallelClients + " parallel clients x "
        + config.parallelPerClient + " x 1 MiB", "blobs/s", true);
    Path file = config.work.resolve("push.bin");
    String[] digest = new String[1];
    long[] counter = {1000};
    alternate("blob push, " + size + ", 1 client", List.of(single), true, (t, round) -> {
      if (t.berth()) {
        // The same new content for both registries in a round, made before either is timed.
        digest[0] = writeRandomFile(file, config.bigBlob, counter[0]++);
      }
      return new double[] {pushOne(t, file, digest[0])};
    });
    Files.deleteIfExists(file);
    single.limit = limits("SHA-256 1 core (Java)", "sha256_java_MBps", "disk write",
        "disk_write_direct_MBps");
    List<byte[]> contents = new ArrayList<>();
    List<String> digests = new ArrayList<>();
    alternate("blob push, " + config.parallelClients + " x 1 MiB", List.of(parallel), true,
        (t, round) -> {
          if (t.berth()) {
            makeSmallBlobs(contents, digests, counter[0]++,
                config.parallelClients * config.parallelPerClient);
          }
          return new double[] {pushParallel(t, contents, digests)};
        });
    contents.clear();
  }

  /** Every digest pushed in this run, removed afterwards so that the data set can be kept. */
  final Set<String> pushed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  void removePushedBlobs(Path root) throws IOException, InterruptedException {
    Layout layout = new Layout(root);
    for (String digest : pushed) {
      String hex = Layout.hex(digest);
      deleteTree(layout.blobPath(hex).getParent());
      deleteTree(layout.repository("bench/app").resolve("_layers/sha256/" + hex));
    }
  }

  /** POST, then PUT of the whole file with curl: MB/s over both requests. */
  double pushOne(Target t, Path file, String digest) throws Exception {
    long start = System.nanoTime();
    String location = startUpload(t, "bench/app");
    double post = (System.nanoTime() - start) / 1e9;
    String url = location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    pushed.add(digest);
    ExecResult r = exec(List.of("curl", "-sS", "-o", "/dev/null", "-w",
        "%{http_code} %{time_total}", "-H", "Expect:", "-H",
        "Content-Type: application/octet-stream", "-T", file.toString(), url), null);
    String[] f = r.output.trim().split(" ");
    check(f[0].equals("201"), t.name + " push answered " + r.output);
    return Files.size(file) / (post + Double.parseDouble(f[1])) / 1e6;
  }

  String startUpload(Target t, String repository) throws Exception {
    HttpResponse<Void> post = http.send(HttpRequest.newBuilder(URI.create(t.base + "/v2/"
        + repository + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    check(post.statusCode() == 202, t.name + " POST upload answered " + post.statusCode());
    String location = post.headers().firstValue("Location").orElseThrow();
    return URI.create(t.base + "/").resolve(location).toString();
  }

  double pushParallel(Target t, List<byte[]> contents, List<String> digests) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(config.parallelClients);
    try {
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < config.parallelClients; c++) {
        int client = c;
        done.add(pool.submit(() -> {
          for (int i = client; i < contents.size(); i += config.parallelClients) {
            String location = startUpload(t, "bench/app");
            String url = location + (location.contains("?") ? "&" : "?") + "digest="
                + digests.get(i);
            pushed.add(digests.get(i));
            HttpResponse<Void> put = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(contents.get(i))).build(),
                HttpResponse.BodyHandlers.discarding());
            check(put.statusCode() == 201, t.name + " PUT answered " + put.statusCode());
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      return contents.size() / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  void makeSmallBlobs(List<byte[]> contents, List<String> digests, long seed, int count) {
    contents.clear();
    digests.clear();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[config.parallelBlob];
      random.nextBytes(b);
      contents.add(b);
      digests.add("sha256:" + sha256Hex(b));
    }
  }

  /** Writes {@code size} random bytes; returns their digest. */
  static String writeRandomFile(Path file, long size, long seed) throws IOException {
    MessageDigest md = sha256();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] buffer = new byte[(int) MiB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += buffer.length) {
        random.nextBytes(buffer);
        int n = (int) Math.min(buffer.length, size - written);
        out.write(buffer, 0, n);
        md.update(buffer, 0, n);
      }
    }
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  // Row 9: resident memory -------------------------------------------------------------------

  void measureMemory() throws Exception {
    if (!config.wants("memory")) {
      return;
    }
    log("== resident memory after the load");
    Row rss = row("memory.rss", "resident memory after the load (VmRSS)", "MiB", false);
    Map<String, Long> b = procStatus(berth.process.pid());
    Map<String, Long> r = procStatus(registry2.process.pid());
    rss.berth.add(b.getOrDefault("VmRSS", -1L) / 1024.0);
    rss.registry2.add(r.getOrDefault("VmRSS", -1L) / 1024.0);
    rss.addNote(String.format(Locale.ROOT, "one sample after all HTTP rows; peak (VmHWM) "
        + "Berth %.0f MiB, registry:2 %.0f MiB; Berth runs with the JVM's default heap sizing",
        b.getOrDefault("VmHWM", -1L) / 1024.0, r.getOrDefault("VmHWM", -1L) / 1024.0));
    ExecResult heap = exec(List.of("jcmd", String.valueOf(berth.process.pid()), "GC.heap_info"),
        null);
    Files.writeString(config.results.resolve("berth-heap-info.txt"), heap.output);
    Matcher used = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(heap.output);
    if (used.find()) {
      rss.addNote(String.format(Locale.ROOT, "Berth's Java heap: %.0f MiB committed, %.0f MiB "
          + "used (jcmd GC.heap_info, in berth-heap-info.txt)", Long.parseLong(used.group(1))
          / 1024.0, Long.parseLong(used.group(2)) / 1024.0));
    }
  }

  static Map<String, Long> procStatus(long pid) throws IOException {
    Map<String, Long> values = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      Matcher m = Pattern.compile("^(Vm\\w+):\\s+(\\d+) kB").matcher(line);
      if (m.find()) {
        values.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    return values;
  }

  // ------------------------------------------------------------------------------------------
  // Row 7: garbage collection

  void measureGc() throws Exception {
    if (!config.wants("gc")) {
      return;
    }
    Path set = config.data.resolve(String.format(Locale.ROOT, "gc-%dx%dx%d", config.gcRepos,
        config.gcManifestsPerRepo, config.gcBlobsPerRepo));
    if (config.fresh) {
      deleteTree(set);
    }
    boolean kept = Files.isDirectory(set);
    log("== garbage collection data set " + set + (kept ? " (kept from an earlier run, "
        + "completed)" : ""));
    Path b = set.resolve("berth");
    Path r = set.resolve("registry2");
    long t = System.nanoTime();
    GcSeed gs = writeGcSeed(b);
    writeGcSeed(r);
    info(String.format(Locale.ROOT, "GC data set: %d repositories, %,d manifests (%,d untagged), "
        + "%,d other blobs (%,d linked but named by no manifest), %s for each registry in "
        + "%.1f s", config.gcRepos, config.gcManifests(), gs.untagged, config.gcBlobs(),
        gs.orphans, kept ? "checked and completed" : "written", (System.nanoTime() - t) / 1e9));
    String what = String.format(Locale.ROOT, "GC of %,d blobs / %,d manifests", config.gcBlobs(),
        config.gcManifests());
    Row keep = row("gc.keep", what + ", untagged kept", "s", false);
    Row untagged = row("gc.untagged", what + ", --delete-untagged", "s", false);
    List<Double> listing = new ArrayList<>();
    for (boolean deleteUntagged : new boolean[] {false, true}) {
      Row row = deleteUntagged ? untagged : keep;
      long expected = config.gcBlobs() + config.gcManifests() - gs.orphans
          - (deleteUntagged ? gs.untagged + gs.untaggedBlobs : 0);
      log("== " + row.title + " (" + config.rounds + " rounds, each on the full data set)");
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
        ExecResult eb = exec(cmd, config.work.resolve("gc-berth.out"));
        check(eb.code == 0, "berth gc exited with " + eb.code + ": "
            + tail(config.work.resolve("gc-berth.out")));
        row.berth.add(eb.seconds);
        pause();
        flushDisk();
        // B: docker-registry garbage-collect on its own copy.
        Path cfg = writeRegistry2Config(config.work.resolve("gc-registry2.yml"), r, 5000);
        List<String> rc = new ArrayList<>(List.of("docker-registry", "garbage-collect"));
        if (deleteUntagged) {
          rc.add("--delete-untagged");
        }
        rc.add(cfg.toString());
        ExecResult er = exec(rc, config.work.resolve("gc-registry2.out"));
        check(er.code == 0, "registry:2 garbage-collect exited with " + er.code + ": "
            + tail(config.work.resolve("gc-registry2.out")));
        row.registry2.add(er.seconds);
        long leftB = countBlobData(b);
        long leftR = countBlobData(r);
        log(String.format(Locale.ROOT, "  round %d: Berth %.2f s, registry:2 %.2f s; blobs left: "
            + "Berth %,d, registry:2 %,d, expected %,d", round + 1, eb.seconds, er.seconds, leftB,
            leftR, expected));
        if (round == 0) {
          row.addNote(String.format(Locale.ROOT, "blob data files left: Berth %,d, registry:2 %,d "
              + "(expected %,d)", leftB, leftR, expected));
        }
        if (leftB != expected || leftR != expected) {
          row.addNote("round " + (round + 1) + ": a collector left an unexpected blob count");
        }
        if (jfr != null) {
          summariseProfile(Path.of(jfr), row.id);
        }
        // Put back what each collected: the data set is written again, only missing files.
        writeGcSeed(b);
        writeGcSeed(r);
        long full = config.gcBlobs() + config.gcManifests();
        check(countBlobData(b) == full && countBlobData(r) == full, "GC data set not restored");
        pause();
      }
      row.addNote("Berth also removes the _layers links of the blobs it deletes (registry:2 2.8 "
          + "leaves them); both are whole processes, Berth's includes JVM start");
    }
    double base = median(listing);
    keep.addNote(String.format(Locale.ROOT, "listing baseline (walk every file of the data set "
        + "and read every manifest, in a warm JVM): %.2f s, so Berth's GC is %.1fx that", base,
        keep.berthMedian() / base));
    untagged.addNote(String.format(Locale.ROOT, "Berth's GC is %.1fx the listing baseline",
        untagged.berthMedian() / base));
    limits.put("gc_listing_baseline_s", base);
  }

  record GcSeed(int orphans, int untagged, int untaggedBlobs) {}

  /** {@code sync}: dirty pages go to disk now, outside any timed span. */
  static void flushDisk() throws IOException, InterruptedException {
    exec(List.of("sync"), null);
  }

  /**
   * {@code gcRepos} repositories, each with {@code gcManifestsPerRepo} image manifests (a config and
   * eight layers each, 80% tagged) and {@code gcBlobsPerRepo} blobs in all, of which those past the
   * manifests' 9 per manifest are linked into the repository but named by no manifest.
   */
  GcSeed writeGcSeed(Path root) throws IOException {
    Layout layout = new Layout(root);
    int m = config.gcManifestsPerRepo;
    int tagged = m * 8 / 10;
    parallel(config.gcRepos, r -> {
      String name = String.format(Locale.ROOT, "gc/r%03d", r);
      SplittableRandom random = new SplittableRandom(1000 + r);
      byte[][] blobs = new byte[config.gcBlobsPerRepo][];
      for (int i = 0; i < blobs.length; i++) {
        blobs[i] = new byte[512];
        random.nextBytes(blobs[i]);
      }
      for (int j = 0; j < m; j++) {
        List<byte[]> layers = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
          layers.add(blobs[m + 8 * j + k]);
        }
        Manifest manifest = imageManifest(layout, blobs[j], layers,
            ",\"annotations\":{\"bench.gc\":\"" + name + " " + j + "\"}");
        linkManifest(layout, name, manifest);
        if (j < tagged) {
          layout.tag(name, "v" + j, manifest.digest);
        }
      }
      for (int i = 9 * m; i < blobs.length; i++) {
        layout.layerLink(name, layout.blob(blobs[i]));
      }
    });
    int orphans = (config.gcBlobsPerRepo - 9 * m) * config.gcRepos;
    int untaggedManifests = (m - tagged) * config.gcRepos;
    return new GcSeed(orphans, untaggedManifests, untaggedManifests * 9);
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
    check(bytes > 0, "no manifests found under " + v2);
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

  // ------------------------------------------------------------------------------------------
  // Data sets, written directly in the registry:2 layout (SPEC §6)

  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String EMPTY_TYPE = "application/vnd.oci.empty.v1+json";
  static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

  /** Writes registry:2's on-disk layout under {@code <root>/docker/registry/v2}. */
  static final class Layout {
    final Path v2;

    Layout(Path root) {
      this.v2 = root.resolve("docker/registry/v2");
    }

    /** Stores the bytes as a blob (once); returns the digest. */
    String blob(byte[] data) throws IOException {
      String hex = sha256Hex(data);
      Path file = blobPath(hex);
      if (!Files.exists(file)) {
        write(file, data);
      }
      return "sha256:" + hex;
    }

    Path blobPath(String hex) {
      return v2.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    }

    Path repository(String name) {
      return v2.resolve("repositories/" + name);
    }

    void layerLink(String repository, String digest) throws IOException {
      write(repository(repository).resolve("_layers/sha256/" + hex(digest) + "/link"),
          digest.getBytes(StandardCharsets.UTF_8));
    }

    void revision(String repository, String digest) throws IOException {
      write(repository(repository).resolve("_manifests/revisions/sha256/" + hex(digest) + "/link"),
          digest.getBytes(StandardCharsets.UTF_8));
    }

    void tag(String repository, String tag, String digest) throws IOException {
      Path dir = repository(repository).resolve("_manifests/tags/" + tag);
      write(dir.resolve("current/link"), digest.getBytes(StandardCharsets.UTF_8));
      write(dir.resolve("index/sha256/" + hex(digest) + "/link"),
          digest.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(String digest) {
      return digest.substring("sha256:".length());
    }

    /** Writes a file unless it exists (so a data set can be written again to restore it). */
    static void write(Path file, byte[] data) throws IOException {
      if (Files.exists(file)) {
        return;
      }
      Files.createDirectories(file.getParent());
      Files.write(file, data);
    }
  }

  /** A manifest: its bytes and the blobs it names. */
  record Manifest(byte[] bytes, String digest, List<String> blobs) {}

  static String descriptor(String mediaType, String digest, long size) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size
        + "}";
  }

  /** An image manifest of a config and layers, all stored as blobs; links them into the repo. */
  static Manifest imageManifest(Layout layout, byte[] config, List<byte[]> layers, String extra)
      throws IOException {
    List<String> blobs = new ArrayList<>();
    String configDigest = layout.blob(config);
    blobs.add(configDigest);
    StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST
        + "\",\"config\":" + descriptor(OCI_CONFIG, configDigest, config.length)
        + ",\"layers\":[");
    for (int i = 0; i < layers.size(); i++) {
      String d = layout.blob(layers.get(i));
      blobs.add(d);
      json.append(i == 0 ? "" : ",").append(descriptor(OCI_LAYER, d, layers.get(i).length));
    }
    json.append("]").append(extra).append("}");
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    return new Manifest(bytes, layout.blob(bytes), blobs);
  }

  static void linkManifest(Layout layout, String repository, Manifest m) throws IOException {
    for (String b : m.blobs) {
      layout.layerLink(repository, b);
    }
    layout.revision(repository, m.digest);
  }

  record SeedInfo(String pullBlob, List<String> subjects, List<Integer> indexSizes) {}

  SeedInfo writeSeed(Path root) throws IOException {
    Layout layout = new Layout(root);
    SplittableRandom random = new SplittableRandom(42);
    // An application image: a config and five 4 KiB layers (a ~1 KB manifest).
    byte[] appConfig = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":"
        + "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],\"Cmd\":"
        + "[\"/app\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
        .getBytes(StandardCharsets.UTF_8);
    List<byte[]> layers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] b = new byte[4096];
      random.nextBytes(b);
      layers.add(b);
    }
    Manifest app = imageManifest(layout, appConfig, layers,
        ",\"annotations\":{\"org.opencontainers.image.title\":\"bench app\"}");
    linkManifest(layout, "bench/app", app);
    layout.tag("bench/app", "latest", app.digest);
    // The blob for the pull rows, in bench/app.
    Path temp = root.resolve("pull.tmp");
    String pull = writeRandomFile(temp, config.bigBlob, 7);
    Path target = layout.blobPath(Layout.hex(pull));
    Files.createDirectories(target.getParent());
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    layout.layerLink("bench/app", pull);
    // Row 4: one repository with many tags on one manifest.
    linkManifest(layout, "bench/tags", app);
    parallel(config.tags, i -> layout.tag("bench/tags", String.format(Locale.ROOT, "t%05d", i),
        app.digest));
    // Row 6: subjects with 10, 1,000 and 100,000 referrers, each referrer an artifact manifest
    // with the empty config; the sha256-<hex> fallback tag lists them, as clients without the
    // referrers API maintain it.
    String empty = layout.blob(EMPTY);
    layout.layerLink("bench/refs", empty);
    List<String> subjects = new ArrayList<>();
    List<Integer> indexSizes = new ArrayList<>();
    for (int s = 0; s < config.referrers.length; s++) {
      int count = config.referrers[s];
      Manifest subject = imageManifest(layout, appConfig, layers,
          ",\"annotations\":{\"bench.subject\":\"" + count + "\"}");
      linkManifest(layout, "bench/refs", subject);
      layout.tag("bench/refs", "subject-" + count, subject.digest);
      subjects.add(subject.digest);
      String subjectDescriptor = descriptor(OCI_MANIFEST, subject.digest, subject.bytes.length);
      StringBuilder index = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX
          + "\",\"manifests\":[");
      String[] annotations = new String[count];
      String[] types = new String[count];
      byte[][] referrers = new byte[count][];
      String[] digests = new String[count];
      parallel(count, i -> {
        annotations[i] = "{\"org.opencontainers.image.created\":\"2026-01-01T00:00:00Z\","
            + "\"bench.referrer\":\"" + count + "-" + i + "\"}";
        types[i] = i % 2 == 0 ? "application/vnd.example.sbom.v1+json"
            : "application/vnd.example.signature.v1+json";
        referrers[i] = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST
            + "\",\"artifactType\":\"" + types[i] + "\",\"config\":"
            + descriptor(EMPTY_TYPE, empty, 2) + ",\"layers\":[" + descriptor(EMPTY_TYPE, empty, 2)
            + "],\"subject\":" + subjectDescriptor + ",\"annotations\":" + annotations[i] + "}")
            .getBytes(StandardCharsets.UTF_8);
        digests[i] = layout.blob(referrers[i]);
        layout.revision("bench/refs", digests[i]);
      });
      for (int i = 0; i < count; i++) {
        index.append(i == 0 ? "" : ",").append("{\"mediaType\":\"" + OCI_MANIFEST
            + "\",\"digest\":\"" + digests[i] + "\",\"size\":" + referrers[i].length
            + ",\"artifactType\":\"" + types[i] + "\",\"annotations\":" + annotations[i] + "}");
      }
      index.append("]}");
      byte[] indexBytes = index.toString().getBytes(StandardCharsets.UTF_8);
      indexSizes.add(indexBytes.length);
      String indexDigest = layout.blob(indexBytes);
      layout.revision("bench/refs", indexDigest);
      layout.tag("bench/refs", subject.digest.replace(':', '-'), indexDigest);
    }
    // Row 5: the catalog holds config.repos repositories in all (bench/app, bench/tags,
    // bench/refs and the rest under catalog/).
    parallel(config.repos - 3, i -> {
      String name = String.format(Locale.ROOT, "catalog/r%04d", i);
      linkManifest(layout, name, app);
      layout.tag(name, "latest", app.digest);
    });
    return new SeedInfo(pull, subjects, indexSizes);
  }

  interface IndexTask {
    void run(int i) throws IOException;
  }

  /** Runs {@code task(0..n-1)} on four threads: writing many small files waits on the kernel. */
  static void parallel(int n, IndexTask task) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      int chunk = Math.max(1, n / 64);
      for (int from = 0; from < n; from += chunk) {
        int start = from;
        int end = Math.min(n, from + chunk);
        done.add(pool.submit(() -> {
          for (int i = start; i < end; i++) {
            task.run(i);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Profiles (--profile): JFR recordings of Berth per workload

  String startRecording(String what) throws Exception {
    String name = what.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    ExecResult r = exec(List.of("jcmd", String.valueOf(berth.process.pid()), "JFR.start",
        "name=" + name, "settings=profile"), null);
    check(r.code == 0, "jcmd JFR.start: " + r.output);
    return name;
  }

  void stopRecording(String name) throws Exception {
    Path dir = Files.createDirectories(config.results.resolve("profile"));
    Path file = dir.resolve(name + ".jfr");
    ExecResult r = exec(List.of("jcmd", String.valueOf(berth.process.pid()), "JFR.stop",
        "name=" + name, "filename=" + file), null);
    check(r.code == 0, "jcmd JFR.stop: " + r.output);
    summariseProfile(file, name);
  }

  /**
   * Reads a recording's execution and native-method samples and writes {@code profile/<name>.txt}: the hottest top
   * frames, the hottest frames in Berth's own code (the nearest {@code dev.berth} frame of each
   * sample) and Berth methods by inclusive samples.
   */
  void summariseProfile(Path jfr, String name) throws Exception {
    ExecResult r = exec(List.of("jfr", "print", "--events",
        "jdk.ExecutionSample,jdk.NativeMethodSample", "--stack-depth", "64", jfr.toString()), null);
    Map<String, Integer> top = new java.util.HashMap<>();
    Map<String, Integer> nearestBerth = new java.util.HashMap<>();
    Map<String, Integer> inclusive = new java.util.HashMap<>();
    int samples = 0;
    for (String block : r.output.split("jdk\\.(?:ExecutionSample|NativeMethodSample) \\{")) {
      int at = block.indexOf("stackTrace = [");
      if (at < 0) {
        continue;
      }
      samples++;
      String[] lines = block.substring(at + "stackTrace = [".length()).split("\n");
      boolean first = true;
      boolean berthSeen = false;
      java.util.Set<String> methods = new java.util.HashSet<>();
      for (String raw : lines) {
        String frame = raw.trim();
        if (frame.isEmpty()) {
          continue;
        }
        if (frame.startsWith("]")) {
          break;
        }
        if (first) {
          top.merge(frame, 1, Integer::sum);
          first = false;
        }
        if (frame.startsWith("dev.berth.")) {
          if (!berthSeen) {
            nearestBerth.merge(frame, 1, Integer::sum);
            berthSeen = true;
          }
          methods.add(frame.replaceAll("\\s+line:.*$", ""));
        }
      }
      methods.forEach(m -> inclusive.merge(m, 1, Integer::sum));
    }
    StringBuilder out = new StringBuilder("JFR samples of Berth during '" + name + "': "
        + samples + " samples, Java code and native methods alike (" + jfr + ")\n");
    appendTop(out, "hottest top frames (self)", top, samples, 25);
    appendTop(out, "nearest Berth frame of each sample", nearestBerth, samples, 25);
    appendTop(out, "Berth methods by inclusive samples", inclusive, samples, 25);
    Path txt = jfr.resolveSibling(name + ".txt");
    Files.writeString(txt, out.toString());
    log("  profile: " + txt);
  }

  static void appendTop(StringBuilder out, String title, Map<String, Integer> counts, int total,
      int limit) {
    out.append("\n").append(title).append(":\n");
    counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(limit)
        .forEach(e -> out.append(String.format(Locale.ROOT, "  %6d %5.1f%%  %s%n", e.getValue(),
            100.0 * e.getValue() / Math.max(1, total), e.getKey())));
  }

  // ------------------------------------------------------------------------------------------
  // Report

  void report() throws IOException {
    List<Goal> goals = goals();
    StringBuilder t = new StringBuilder();
    t.append("\nBerth vs registry:2 (docker-registry ").append(registry2Version()).append("), ")
        .append(started).append(", ").append(config.quick ? "quick" : "full").append(" run, ")
        .append(config.rounds).append(" rounds (A B A B ...), medians\n");
    t.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
        .append(memTotalMiB()).append(" MiB; load average at the end ").append(loadAverage())
        .append("\nratio: Berth better > 1 (Berth/registry:2 for rates, registry:2/Berth for "
            + "times, latencies and memory); MB = 10^6 bytes\n\n");
    String[] head = {"workload", "unit", "Berth", "registry:2", "ratio", "limit (MB/s)"};
    List<String[]> lines = new ArrayList<>();
    for (Row r : rows.values()) {
      double ratio = r.ratio();
      lines.add(new String[] {r.title, r.unit, format(r.berthMedian()), format(r.registry2Median()),
          Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio), r.limit});
    }
    int[] width = new int[head.length];
    for (int i = 0; i < head.length; i++) {
      width[i] = head[i].length();
      for (String[] l : lines) {
        width[i] = Math.max(width[i], l[i].length());
      }
    }
    appendRow(t, head, width);
    String[] rule = new String[head.length];
    for (int i = 0; i < head.length; i++) {
      rule[i] = "-".repeat(width[i]);
    }
    appendRow(t, rule, width);
    lines.forEach(l -> appendRow(t, l, width));
    t.append("\nlimits of this machine:\n");
    describeLimits().forEach(l -> t.append("  ").append(l).append("\n"));
    t.append("\ntargets:\n");
    for (Goal g : goals) {
      t.append("  [").append(g.met ? "met   " : "MISSED").append("] ").append(g.name).append(": ")
          .append(g.detail).append("\n");
    }
    t.append("\nnotes:\n");
    for (Row r : rows.values()) {
      if (!r.note.isEmpty()) {
        t.append("  ").append(r.id).append(": ").append(r.note).append("\n");
      }
    }
    info.forEach(l -> t.append("  ").append(l).append("\n"));
    if (!failures.isEmpty()) {
      t.append("\nfailures:\n");
      failures.forEach(f -> t.append("  ").append(f).append("\n"));
    }
    log(t.toString());
    Files.writeString(config.results.resolve("latest.txt"), t.toString());
    Files.writeString(config.results.resolve("latest.json"), json(goals));
    log("bench: wrote " + config.results.resolve("latest.json") + " and latest.txt");
  }

  static void appendRow(StringBuilder t, String[] cells, int[] width) {
    t.append("|");
    for (int i = 0; i < cells.length; i++) {
      boolean number = i >= 2 && i <= 4;
      String cell = number ? " ".repeat(width[i] - cells[i].length()) + cells[i]
          : cells[i] + " ".repeat(width[i] - cells[i].length());
      t.append(" ").append(cell).append(" |");
    }
    t.append("\n");
  }

  List<String> describeLimits() {
    List<String> l = new ArrayList<>();
    Map<String, String> names = new LinkedHashMap<>();
    names.put("sha256_java_MBps", "SHA-256, one core, Java MessageDigest (what Berth can reach)");
    names.put("sha256_openssl_MBps", "SHA-256, one core, openssl speed -evp sha256");
    names.put("disk_write_direct_MBps", "disk sequential write, dd oflag=direct conv=fsync, "
        + config.bigBlob / MiB + " MiB");
    names.put("disk_read_direct_MBps", "disk sequential read, dd iflag=direct, "
        + config.bigBlob / MiB + " MiB");
    names.put("loopback_MBps", "loopback copy, one TCP stream between two Java threads");
    names.forEach((k, v) -> {
      if (limits.containsKey(k)) {
        l.add(String.format(Locale.ROOT, "%-75s %8.0f MB/s", v, limits.get(k)));
      }
    });
    if (limits.containsKey("gc_listing_baseline_s")) {
      l.add(String.format(Locale.ROOT, "%-75s %8.2f s", "GC listing baseline (walk and read the "
          + "GC data set)", limits.get("gc_listing_baseline_s")));
    }
    return l;
  }

  List<Goal> goals() {
    List<Goal> goals = new ArrayList<>();
    List<String> behind = new ArrayList<>();
    int compared = 0;
    for (Row r : rows.values()) {
      double ratio = r.ratio();
      if (!Double.isNaN(ratio)) {
        compared++;
        if (ratio < 1.0) {
          behind.add(r.id + String.format(Locale.ROOT, " %.2f", ratio));
        }
      }
    }
    if (compared > 0) {
      goals.add(new Goal("Berth at least matches registry:2 on every row (ratio >= 1.0)",
          behind.isEmpty(), behind.isEmpty() ? compared + " rows compared"
          : "behind on " + String.join(", ", behind)));
    }
    for (String id : List.of("manifest.get.rps", "manifest.head.rps")) {
      Row r = rows.get(id);
      if (r != null && !Double.isNaN(r.ratio())) {
        goals.add(new Goal(id + " >= 1.5x registry:2", r.ratio() >= 1.5,
            String.format(Locale.ROOT, "%.2fx", r.ratio())));
      }
    }
    Row push = rows.get("push.1");
    Double sha = limits.get("sha256_java_MBps");
    if (push != null && sha != null && !Double.isNaN(push.berthMedian())) {
      double share = push.berthMedian() / sha;
      goals.add(new Goal("blob push reaches 70% of the SHA-256 limit", share >= 0.7,
          String.format(Locale.ROOT, "%.0f MB/s is %.0f%% of Java's %.0f MB/s (%.0f%% of "
              + "openssl's %.0f MB/s)", push.berthMedian(), 100 * share, sha,
              100 * push.berthMedian() / limits.getOrDefault("sha256_openssl_MBps", Double.NaN),
              limits.getOrDefault("sha256_openssl_MBps", Double.NaN))));
    }
    Row small = rows.get("referrers." + config.referrers[0]);
    Row large = rows.get("referrers." + config.referrers[config.referrers.length - 1]);
    if (small != null && large != null && !Double.isNaN(small.berthMedian())) {
      double factor = large.berthMedian() / small.berthMedian();
      goals.add(new Goal(String.format(Locale.ROOT, "referrers first page within 2x between %,d "
          + "and %,d referrers", config.referrers[0], config.referrers[config.referrers.length - 1]),
          factor <= 2.0, String.format(Locale.ROOT, "%.2f ms vs %.2f ms: %.2fx%s",
              small.berthMedian(), large.berthMedian(), factor, fullPages(large))));
    }
    Row embedded = rows.get("startup.embedded");
    if (embedded != null && !Double.isNaN(embedded.berthMedian())) {
      goals.add(new Goal("embedded start-up under 300 ms", embedded.berthMedian() < 300,
          String.format(Locale.ROOT, "%.0f ms", embedded.berthMedian())));
    }
    return goals;
  }

  /**
   * The smallest subject's first page holds fewer entries than a full page; between the smallest
   * subject with a full first page and the largest, the page sizes are equal.
   */
  String fullPages(Row large) {
    for (int count : config.referrers) {
      Row r = rows.get("referrers." + count);
      if (count >= 100 && r != large && r != null && !Double.isNaN(r.berthMedian())) {
        return String.format(Locale.ROOT, " (the %,d-referrer page holds %d entries; between "
            + "%,d and the largest, both 100-entry pages: %.2fx)", config.referrers[0],
            Math.min(100, config.referrers[0]), count, large.berthMedian() / r.berthMedian());
      }
    }
    return "";
  }

  String json(List<Goal> goals) {
    StringBuilder j = new StringBuilder("{\n");
    j.append("  \"started\": ").append(quote(started)).append(",\n");
    j.append("  \"mode\": ").append(quote(config.quick ? "quick" : "full")).append(",\n");
    j.append("  \"rounds\": ").append(config.rounds).append(",\n");
    j.append("  \"machine\": {\"cores\": ").append(Runtime.getRuntime().availableProcessors())
        .append(", \"memory_mib\": ").append(memTotalMiB()).append(", \"load_average_end\": ")
        .append(quote(loadAverage())).append("},\n");
    j.append("  \"registry2\": ").append(quote(registry2Version())).append(",\n");
    j.append("  \"limits\": {");
    String sep = "";
    for (Map.Entry<String, Double> e : limits.entrySet()) {
      j.append(sep).append("\n    ").append(quote(e.getKey())).append(": ").append(num(e.getValue()));
      sep = ",";
    }
    j.append("\n  },\n  \"rows\": [");
    sep = "";
    for (Row r : rows.values()) {
      j.append(sep).append("\n    {\"id\": ").append(quote(r.id))
          .append(", \"workload\": ").append(quote(r.title))
          .append(", \"unit\": ").append(quote(r.unit))
          .append(", \"higher_is_better\": ").append(r.higherIsBetter)
          .append(", \"berth\": ").append(num(r.berthMedian()))
          .append(", \"registry2\": ").append(num(r.registry2Median()))
          .append(", \"ratio\": ").append(num(r.ratio()))
          .append(", \"limit\": ").append(quote(r.limit))
          .append(", \"berth_runs\": ").append(nums(r.berth))
          .append(", \"registry2_runs\": ").append(nums(r.registry2))
          .append(", \"note\": ").append(quote(r.note)).append("}");
      sep = ",";
    }
    j.append("\n  ],\n  \"targets\": [");
    sep = "";
    for (Goal g : goals) {
      j.append(sep).append("\n    {\"target\": ").append(quote(g.name)).append(", \"met\": ")
          .append(g.met).append(", \"detail\": ").append(quote(g.detail)).append("}");
      sep = ",";
    }
    j.append("\n  ],\n  \"notes\": [");
    sep = "";
    for (String n : info) {
      j.append(sep).append("\n    ").append(quote(n));
      sep = ",";
    }
    j.append("\n  ],\n  \"failures\": [");
    sep = "";
    for (String f : failures) {
      j.append(sep).append("\n    ").append(quote(f));
      sep = ",";
    }
    j.append("\n  ]\n}\n");
    return j.toString();
  }

  static String num(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "null"
        : String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  static String nums(List<Double> values) {
    List<String> parts = new ArrayList<>();
    values.forEach(v -> parts.add(num(v)));
    return "[" + String.join(", ", parts) + "]";
  }

  static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        default -> {
          if (c < 0x20) {
            q.append(String.format("\\u%04x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }

  static String registry2Version() {
    try {
      String v = exec(List.of("docker-registry", "--version"), null).output.trim();
      Matcher m = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\S*)").matcher(v);
      return m.find() ? m.group(1) : v;
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  record ExecResult(int code, String output, double seconds) {}

  /** Runs a command to its end; its output (stdout and stderr) goes to {@code log} or is returned. */
  static ExecResult exec(List<String> command, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (log != null) {
      pb.redirectOutput(log.toFile());
    }
    long start = System.nanoTime();
    Process p = pb.start();
    String output = "";
    if (log == null) {
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    int code = p.waitFor();
    return new ExecResult(code, output, (System.nanoTime() - start) / 1e9);
  }

  static void stop(Process p) throws InterruptedException {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * registry:2's configuration for a directory: the Debian package's defaults (filesystem storage,
   * in-memory blob descriptor cache, deletes on) with logging turned down so that it does not skew
   * the numbers, and upload purging off (Berth's first purge is an hour after start).
   */
  static Path writeRegistry2Config(Path file, Path root, int port) throws IOException {
    String yaml = "version: 0.1\n"
        + "log:\n  level: error\n  accesslog:\n    disabled: true\n"
        + "storage:\n  cache:\n    blobdescriptor: inmemory\n"
        + "  filesystem:\n    rootdirectory: " + root.toAbsolutePath() + "\n"
        + "  delete:\n    enabled: true\n"
        + "  maintenance:\n    uploadpurging:\n      enabled: false\n"
        + "http:\n  addr: 127.0.0.1:" + port + "\n";
    Files.writeString(file, yaml);
    return file;
  }

  void copyTree(Path from, Path to) throws Exception {
    deleteTree(to);
    ExecResult r = exec(List.of("cp", "-a", from.toString(), to.toString()), null);
    check(r.code == 0, "cp -a " + from + " " + to + ": " + r.output);
  }

  static void deleteTree(Path dir) throws IOException, InterruptedException {
    if (Files.exists(dir)) {
      ExecResult r = exec(List.of("rm", "-rf", dir.toString()), null);
      if (r.code != 0) {
        throw new IOException("rm -rf " + dir + ": " + r.output);
      }
    }
  }

  static Map<String, Double> keyValues(String text) {
    Map<String, Double> values = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(\\w+)=([\\d.]+)").matcher(text);
    while (m.find()) {
      values.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return values;
  }

  static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  static double median(List<Double> values) {
    double[] v = values.stream().filter(d -> d != null && !Double.isNaN(d))
        .mapToDouble(Double::doubleValue).toArray();
    return median(v);
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static long memTotalMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException ignored) {
      // Unknown.
    }
    return -1;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
