import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Group {@code s3} (issue 14): Berth and registry:2 (Debian's docker-registry, its {@code s3}
 * driver) on the same Ceph RADOS Gateway ({@code scripts/ceph-rgw}, started here when none runs
 * and stopped after), each under its own root prefix of one bucket. Blob push and pull
 * throughput, manifest GET and tag listing requests/s, through one instance and through two
 * instances over the same prefix with the load split between them (Berth: two launchers;
 * registry:2: two processes with the same configuration). Both serve blob bytes themselves:
 * Berth's redirects are off by default, registry:2's are disabled here.
 *
 * <p>The seed (a pull blob, an image and its tags) is pushed over HTTP through the first instance
 * of each, so that what is measured is what each wrote in its own way.
 */
final class S3 {
  static final String REPOSITORY = "bench/s3";
  static final String TWO_NOTE = "two instances on this 2-core machine show that load spread over"
      + " them stays error-free and consistent (wrk counts every non-2xx as a failure; both"
      + " instances then list the same tags), not that throughput scales";

  final Bench bench;
  final Config config;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  /** The seed image's config blob. */
  static final byte[] CONFIG = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(
      StandardCharsets.UTF_8);

  S3(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  /** One registry under test: one or two instances over the same prefix. */
  record Servers(String name, List<String> bases) {}

  interface Measure {
    double run(Servers servers, int round) throws Exception;
  }

  void measure() throws Exception {
    if (!config.wants("s3")) {
      return;
    }
    Path dir = Files.createDirectories(config.work.resolve("s3"));
    Path script = config.repo.resolve("scripts/ceph-rgw");
    boolean startedCeph = false;
    Processes.ExecResult env = Processes.exec(List.of(script.toString(), "env"), null);
    if (env.code() != 0) {
      Bench.log("== s3: starting Ceph (scripts/ceph-rgw start)");
      env = Processes.exec(List.of(script.toString(), "start"), null);
      Util.check(env.code() == 0, "scripts/ceph-rgw start failed (exit " + env.code()
          + "; exit 3: Ceph's packages are missing, scripts/test installs them): "
          + env.output());
      startedCeph = true;
    }
    Map<String, String> s3 = new HashMap<>();
    for (String line : env.output().split("\n")) {
      int eq = line.indexOf('=');
      if (line.startsWith("BERTH_S3_") && eq > 0) {
        s3.put(line.substring(0, eq), line.substring(eq + 1).strip());
      }
    }
    Util.check(s3.containsKey("BERTH_S3_ENDPOINT"), "scripts/ceph-rgw printed no endpoint: "
        + env.output());
    String run = Long.toString(System.currentTimeMillis(), 36);
    List<Process> started = new ArrayList<>();
    try {
      List<String> berth = new ArrayList<>();
      List<String> registry2 = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int port = Processes.freePort();
        Process p = berth(s3, "bench-berth-" + run, port, dir.resolve("berth-" + i + ".log"));
        started.add(p);
        Processes.awaitOk(port, p, Duration.ofSeconds(120));
        berth.add("http://127.0.0.1:" + port);
      }
      for (int i = 0; i < 2; i++) {
        int port = Processes.freePort();
        Process p = registry2(s3, "bench-registry2-" + run, port, dir, i);
        started.add(p);
        Processes.awaitOk(port, p, Duration.ofSeconds(60));
        registry2.add("http://127.0.0.1:" + port);
      }
      bench.info("s3: Ceph RGW at " + s3.get("BERTH_S3_ENDPOINT") + " (one memstore OSD);"
          + " Berth and registry:2 each under a root prefix of bucket "
          + s3.get("BERTH_S3_BUCKET") + ", blob bytes served by the registries (no redirects)");
      rows(berth, registry2);
    } finally {
      for (Process p : started) {
        Processes.stop(p);
      }
      // The servers' logs outlive the work directory, which is deleted after the report.
      Path logs = Files.createDirectories(config.results.resolve("s3-logs"));
      try (var files = Files.list(dir)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
          Files.copy(f, logs.resolve(f.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      if (startedCeph) {
        Processes.exec(List.of(script.toString(), "stop"), dir.resolve("ceph-stop.log"));
      }
    }
  }

  Process berth(Map<String, String> s3, String prefix, int port, Path log) throws Exception {
    return Processes.binBerth(config, "serve", "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--s3-endpoint", s3.get("BERTH_S3_ENDPOINT"), "--s3-bucket",
        s3.get("BERTH_S3_BUCKET"), "--s3-region", s3.get("BERTH_S3_REGION"), "--s3-access-key",
        s3.get("BERTH_S3_ACCESS_KEY"), "--s3-secret-key", s3.get("BERTH_S3_SECRET_KEY"),
        "--s3-root-prefix", prefix).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
  }

  /**
   * registry:2 as the other rows run it, on the s3 driver; AWS_CA_BUNDLE unset, as its driver
   * fails when that variable names a file it cannot use.
   */
  Process registry2(Map<String, String> s3, String prefix, int port, Path dir, int i)
      throws Exception {
    URI endpoint = URI.create(s3.get("BERTH_S3_ENDPOINT"));
    String yaml = "version: 0.1\n"
        + "log:\n  level: error\n  accesslog:\n    disabled: true\n"
        + "storage:\n  cache:\n    blobdescriptor: inmemory\n"
        + "  s3:\n    accesskey: " + s3.get("BERTH_S3_ACCESS_KEY")
        + "\n    secretkey: " + s3.get("BERTH_S3_SECRET_KEY")
        + "\n    region: " + s3.get("BERTH_S3_REGION")
        + "\n    regionendpoint: " + endpoint.getAuthority()
        + "\n    secure: " + endpoint.getScheme().equals("https")
        + "\n    bucket: " + s3.get("BERTH_S3_BUCKET")
        + "\n    rootdirectory: /" + prefix + "\n    forcepathstyle: true\n"
        + "  redirect:\n    disable: true\n"
        + "  delete:\n    enabled: true\n"
        + "  maintenance:\n    uploadpurging:\n      enabled: false\n"
        + "http:\n  addr: 127.0.0.1:" + port + "\n";
    Path cfg = Files.writeString(dir.resolve("registry2-" + i + ".yml"), yaml);
    ProcessBuilder pb = new ProcessBuilder("docker-registry", "serve", cfg.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry2-" + i + ".log").toFile());
    pb.environment().remove("AWS_CA_BUNDLE");
    return pb.start();
  }

  void rows(List<String> berth, List<String> registry2) throws Exception {
    int pushClients = 4;
    int pushSize = (int) ((config.quick ? 4 : 16) * Bench.MiB);
    long pullSize = (config.quick ? 8 : 32) * Bench.MiB;
    int tags = config.quick ? 100 : 1000;
    String blob = seed(berth.get(0), registry2.get(0), pullSize, tags);
    List<Servers[]> pairs = List.of(
        new Servers[] {new Servers("Berth", berth.subList(0, 1)),
            new Servers("registry:2", registry2.subList(0, 1))},
        new Servers[] {new Servers("Berth x2", berth), new Servers("registry:2 x2", registry2)});
    String[] suffix = {"1", "2"};
    String[] through = {"one instance", "two instances"};
    byte[][] pushBlobs = new byte[pushClients][];
    for (int i = 0; i < pushClients; i++) {
      pushBlobs[i] = new byte[pushSize];
      new Random(100 + i).nextBytes(pushBlobs[i]);
    }
    for (int k = 0; k < 2; k++) {
      Servers[] pair = pairs.get(k);
      String on = ", " + through[k] + ", Ceph RGW";
      Row push = bench.row("s3.push." + suffix[k], "blob push, " + pushClients + " x "
          + pushSize / Bench.MiB + " MiB in parallel" + on, "MB/s", true);
      alternate("s3 blob push" + on, pair, push, (s, round) -> push(s, pushBlobs));
      collectCephGarbage();
      Row pull = bench.row("s3.pull." + suffix[k], "blob pull, " + pullSize / Bench.MiB
          + " MiB, " + config.pullClients + " concurrent clients (wrk)" + on, "MB/s", true);
      alternate("s3 blob pull" + on, pair, pull, (s, round) -> wrk(s, "/v2/" + REPOSITORY
          + "/blobs/" + blob, config.pullClients, config.loadSeconds * 2, false));
      Row get = bench.row("s3.manifest.get." + suffix[k], "manifest GET by tag, "
          + config.connections + " connections (wrk)" + on, "req/s", true);
      alternate("s3 manifest GET" + on, pair, get, (s, round) -> wrk(s, "/v2/" + REPOSITORY
          + "/manifests/t0", config.connections, config.loadSeconds, true));
      Row list = bench.row("s3.tags." + suffix[k], "tag list of " + tags + " tags, "
          + config.connections + " connections (wrk)" + on, "req/s", true);
      alternate("s3 tag list" + on, pair, list, (s, round) -> wrk(s, "/v2/" + REPOSITORY
          + "/tags/list?n=" + tags, config.connections, config.loadSeconds, true));
      if (k == 1) {
        for (Row r : List.of(push, pull, get, list)) {
          r.addNote(TWO_NOTE);
        }
        for (Servers s : pair) {
          agree(s, tags);
        }
      }
    }
    // Last, as its tags would lengthen the tag lists above. The seeding row times each server's
    // first requests; this one the same PUTs once both are warm, alternated like the others.
    int warmPuts = config.quick ? 100 : 500;
    String manifest = imageManifest(blob, pullSize);
    Row puts = bench.row("s3.tag.puts.warm", warmPuts + " manifest PUTs by new tags, 8 at a time,"
        + " one instance, warm, Ceph RGW", "s", false);
    alternate("s3 manifest PUT by new tags, one instance, warm, Ceph RGW", pairs.get(0), puts,
        (s, round) -> tagPuts(s.bases().get(0), manifest, "w" + (round + 1) + "-",
        warmPuts));
  }

  /**
   * Ceph's gateway frees what was overwritten or deleted (uploads' parts, replaced objects) only
   * in its own garbage collection, hours later by default; on the gateway's 2 GiB memstore the
   * push rows then fill the OSD, and writes hang or fail (seen: a PUT answered 500, then no start
   * answered). So it is run here, untimed, after each push row.
   */
  void collectCephGarbage() throws Exception {
    Processes.ExecResult gc = Processes.exec(List.of(config.repo.resolve("scripts/ceph-rgw")
        .toString(), "admin", "gc", "process", "--include-all"), null);
    Util.check(gc.code() == 0, "radosgw-admin gc process: " + gc.output());
  }

  /** Through the first instance: a blob to pull, one image, tagged t0..t{n-1}; both checked. */
  String seed(String berth, String registry2, long pullSize, int tags) throws Exception {
    byte[] pull = new byte[(int) pullSize];
    new Random(7).nextBytes(pull);
    String blob = "sha256:" + Util.sha256Hex(pull);
    String manifest = imageManifest(blob, pull.length);
    Row seeding = bench.row("s3.tag.puts", tags + " manifest PUTs by new tags, 8 at a time,"
        + " one instance, Ceph RGW (the seed: one sample each)", "s", false);
    seeding.addNote("the first requests after each server started, Berth's JVM still compiling"
        + " its request path on the two cores Ceph saturates (docs/design/s3.md, \"Why the first"
        + " 1,000 tag PUTs after a start are slower\"); s3.tag.puts.warm times the same PUTs"
        + " warm");
    for (String base : List.of(berth, registry2)) {
      Bench.log("== s3: seeding " + base + " (" + tags + " tags)");
      push(base, pull);
      push(base, CONFIG);
      double seconds = tagPuts(base, manifest, "t", tags);
      (base.equals(berth) ? seeding.berth : seeding.registry2).add(seconds);
      Bench.log(String.format(Locale.ROOT, "  %d tag PUTs in %.1f s", tags, seconds));
    }
    return blob;
  }

  /** The seed image's manifest: {@link #CONFIG} and the pull blob as its one layer. */
  static String imageManifest(String blob, long size) {
    return "{\"schemaVersion\":2,\"mediaType\":\"" + DataSets.OCI_MANIFEST + "\","
        + "\"config\":" + DataSets.descriptor(DataSets.OCI_CONFIG,
            "sha256:" + Util.sha256Hex(CONFIG), CONFIG.length)
        + ",\"layers\":[" + DataSets.descriptor(DataSets.OCI_LAYER, blob, size) + "]}";
  }

  /** {@code count} PUTs of {@code manifest} by new tags {@code prefix}0.., 8 at a time: s. */
  double tagPuts(String base, String manifest, String prefix, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      long start = System.nanoTime();
      List<Future<Integer>> puts = new ArrayList<>();
      for (int t = 0; t < count; t++) {
        String uri = base + "/v2/" + REPOSITORY + "/manifests/" + prefix + t;
        puts.add(pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create(uri))
            .header("Content-Type", DataSets.OCI_MANIFEST)
            .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode()));
      }
      for (Future<Integer> f : puts) {
        Util.check(f.get() == 201, base + ": a tag PUT answered " + f.get());
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      pool.shutdown();
    }
  }

  /** Every instance lists the same tags and serves the same manifest digest. */
  void agree(Servers s, int tags) throws Exception {
    String first = null;
    for (String base : s.bases()) {
      HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/"
          + REPOSITORY + "/tags/list?n=" + tags)).build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> m = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/"
          + REPOSITORY + "/manifests/t0")).header("Accept", DataSets.OCI_MANIFEST).build(),
          HttpResponse.BodyHandlers.ofString());
      String seen = list.body() + " " + m.headers().firstValue("Docker-Content-Digest")
          .orElse("none");
      Util.check(list.statusCode() == 200 && m.statusCode() == 200, s.name() + " at " + base
          + " answered " + list.statusCode() + " / " + m.statusCode());
      Util.check(first == null || first.equals(seen), s.name() + ": the instances disagree");
      first = seen;
    }
    Bench.log("  " + s.name() + ": every instance lists the same " + tags + " tags and manifest");
  }

  /** POST then PUT with the whole body (a monolithic push); the blob's digest. */
  void push(String base, byte[] bytes) throws Exception {
    HttpResponse<Void> post = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/"
        + REPOSITORY + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    Util.check(post.statusCode() == 202, base + ": POST answered " + post.statusCode());
    String location = post.headers().firstValue("Location").orElseThrow();
    URI put = URI.create(base).resolve(location + (location.contains("?") ? "&" : "?")
        + "digest=sha256:" + Util.sha256Hex(bytes));
    HttpResponse<Void> done = http.send(HttpRequest.newBuilder(put)
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(),
        HttpResponse.BodyHandlers.discarding());
    Util.check(done.statusCode() == 201, base + ": PUT answered " + done.statusCode());
  }

  /** Every client pushes its blob at once, client i through instance i mod n: MB/s. */
  double push(Servers s, byte[][] blobs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(blobs.length);
    try {
      long start = System.nanoTime();
      List<Future<Object>> done = new ArrayList<>();
      for (int i = 0; i < blobs.length; i++) {
        String base = s.bases().get(i % s.bases().size());
        byte[] b = blobs[i];
        done.add(pool.submit(() -> {
          push(base, b);
          return null;
        }));
      }
      for (Future<Object> f : done) {
        f.get();
      }
      long bytes = 0;
      for (byte[] b : blobs) {
        bytes += b.length;
      }
      return bytes / 1e6 / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  /** wrk against each instance at once, connections split evenly: summed req/s or MB/s. */
  double wrk(Servers s, String path, int connections, int seconds, boolean requests)
      throws Exception {
    int n = s.bases().size();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<LoadTools.Wrk>> runs = new ArrayList<>();
      for (String base : s.bases()) {
        runs.add(pool.submit(() -> LoadTools.wrk(base + path, Math.max(2, connections / n),
            seconds, "Accept: " + DataSets.OCI_MANIFEST)));
      }
      double sum = 0;
      for (Future<LoadTools.Wrk> f : runs) {
        sum += requests ? f.get().requestsPerSecond() : f.get().bytesPerSecond() / 1e6;
      }
      return sum;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Berth and registry:2 after one unrecorded warm-up run each, in A B B A order: the gateway's
   * speed drifts over a run (a fresh one served pulls at 180, 223, 334, 372 MB/s in successive
   * rounds, whichever registry asked), and A B A B would hand the drift to whoever goes second.
   */
  void alternate(String what, Servers[] pair, Row row, Measure measure) throws Exception {
    Bench.log("== " + what);
    for (Servers s : pair) {
      measure.run(s, -1);
      bench.pause();
    }
    for (int round = 0; round < config.rounds; round++) {
      boolean berthFirst = round % 2 == 0;
      double b = 0;
      double r = 0;
      for (int turn = 0; turn < 2; turn++) {
        if ((turn == 0) == berthFirst) {
          b = measure.run(pair[0], round);
        } else {
          r = measure.run(pair[1], round);
        }
        bench.pause();
      }
      row.berth.add(b);
      row.registry2.add(r);
      Bench.log(String.format(Locale.ROOT, "  round %d:  %s %s %s / %s %s %s", round + 1,
          pair[0].name(), Util.format(b), row.unit, pair[1].name(), Util.format(r), row.unit));
    }
    row.addNote(byRound(row));
  }

  /**
   * The ratio of each round's pair, measured back to back. The gateway's speed drifts over a run
   * (one run's pull rounds went from 350 to 870 MB/s), so the two medians of the table can come
   * from rounds far apart in time; the pairs cannot.
   */
  static String byRound(Row row) {
    List<Double> ratios = new ArrayList<>();
    int ahead = 0;
    for (int i = 0; i < row.berth.size(); i++) {
      double b = row.berth.get(i);
      double r = row.registry2.get(i);
      double ratio = row.higherIsBetter ? b / r : r / b;
      ratios.add(ratio);
      ahead += ratio >= 1 ? 1 : 0;
    }
    StringBuilder text = new StringBuilder("ratio by round (each pair back to back):");
    for (double ratio : ratios) {
      text.append(String.format(Locale.ROOT, " %.2f", ratio));
    }
    return text.append(String.format(Locale.ROOT, ", median %.2f; Berth ahead in %d of %d",
        Util.median(ratios), ahead, ratios.size())).toString();
  }
}
