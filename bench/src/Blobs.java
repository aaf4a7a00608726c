import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Rows 1 and 2: blob pull (one {@code curl}, many {@code wrk} connections) and blob push (one
 * monolithic {@code curl} upload, many parallel clients on the JDK's HTTP client), the pushes with
 * Berth's flushing on and off. Remembers what it pushed so that the kept data set can be put back
 * as it was.
 */
final class Blobs {
  final Bench bench;
  final Config config;

  Blobs(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  void measurePull() throws Exception {
    if (!config.wants("pull")) {
      return;
    }
    String size = config.bigBlob / Bench.MiB + " MiB";
    Row single = bench.row("pull.1", "blob pull, " + size + ", 1 client (curl)", "MB/s", true);
    Row many = bench.row("pull.n", "blob pull, " + size + ", " + config.pullClients
        + " concurrent clients (wrk)", "MB/s", true);
    String path = "/v2/bench/app/blobs/" + bench.seed.pullBlob();
    bench.alternate("blob pull, 1 client", List.of(single), true, (t, round) -> {
      long bytes = 0;
      double seconds = 0;
      for (int i = 0; i < (round < 0 ? 1 : config.pullSingleRepeats); i++) {
        Processes.ExecResult r = Processes.exec(List.of("curl", "-sS", "-o", "/dev/null", "-w",
            "%{http_code} %{size_download} %{time_total}", t.base() + path), null);
        String[] f = r.output().trim().split(" ");
        Util.check(f[0].equals("200") && Long.parseLong(f[1]) == config.bigBlob,
            t.name() + " pull: " + r.output());
        bytes += Long.parseLong(f[1]);
        seconds += Double.parseDouble(f[2]);
      }
      return new double[] {bytes / seconds / 1e6};
    });
    bench.alternate("blob pull, " + config.pullClients + " clients", List.of(many), true,
        (t, round) -> {
          LoadTools.Wrk w = LoadTools.wrk(t.base() + path, config.pullClients,
              round < 0 ? 2 : config.loadSeconds * 2);
          return new double[] {w.bytesPerSecond() / 1e6};
        });
    String limit = limits("loopback", "loopback_MBps", "disk read", "disk_read_direct_MBps");
    single.limit = limit;
    many.limit = limit;
  }

  /** "label value, label value" for the limits measured in this run. */
  String limits(String... labelsAndKeys) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < labelsAndKeys.length; i += 2) {
      Double v = bench.limits.get(labelsAndKeys[i + 1]);
      if (v != null) {
        parts.add(labelsAndKeys[i] + " " + Util.format(v));
      }
    }
    return String.join(", ", parts);
  }

  /** The end of a write row's title: what Berth runs with (its default flushes). */
  static final String FSYNC_ON = ", Berth fsync on (default)";
  static final String FSYNC_OFF = ", Berth --storage-fsync false";

  /**
   * The push rows, each twice: Berth with its defaults (every acknowledged blob flushed to the disk)
   * and Berth with {@code --storage-fsync false}, both against the same registry:2 runs. Before each
   * timed push an untimed {@code sync} writes back what earlier runs (and the making of the
   * content) left in the page cache, so no server pays for another's write-back.
   */
  void measurePush() throws Exception {
    if (!config.wants("push")) {
      return;
    }
    String size = config.bigBlob / Bench.MiB + " MiB";
    String singleTitle = "blob push, " + size + " monolithic, 1 client (curl)";
    Row single = bench.row("push.1", singleTitle + FSYNC_ON, "MB/s", true);
    Row singleOff = bench.row("push.1.nofsync", singleTitle + FSYNC_OFF, "MB/s", true);
    String parallelTitle = "blob push, " + config.parallelClients + " parallel clients x "
        + config.parallelPerClient + " x 1 MiB";
    Row parallel = bench.row("push.n", parallelTitle + FSYNC_ON, "blobs/s", true);
    Row parallelOff = bench.row("push.n.nofsync", parallelTitle + FSYNC_OFF, "blobs/s", true);
    Path file = config.work.resolve("push.bin");
    String[] digest = new String[1];
    long[] counter = {1000};
    bench.alternate("blob push, " + size + ", 1 client", List.of(single), List.of(singleOff),
        true, (t, round) -> {
          if (t.berth()) {
            // The same new content for every registry in a round, made before any is timed.
            digest[0] = DataSets.writeRandomFile(file, config.bigBlob, counter[0]++);
          }
          bench.syncDisk();
          return new double[] {pushOne(t, file, digest[0])};
        });
    Files.deleteIfExists(file);
    String limit = limits("SHA-256 1 core (Java)", "sha256_java_MBps", "disk write",
        "disk_write_direct_MBps");
    single.limit = limit;
    singleOff.limit = limit;
    List<byte[]> contents = new ArrayList<>();
    List<String> digests = new ArrayList<>();
    bench.alternate("blob push, " + config.parallelClients + " x 1 MiB", List.of(parallel),
        List.of(parallelOff), true, (t, round) -> {
          if (t.berth()) {
            makeSmallBlobs(contents, digests, counter[0]++,
                config.parallelClients * config.parallelPerClient);
          }
          bench.syncDisk();
          return new double[] {pushParallel(t, contents, digests)};
        });
    contents.clear();
    for (Row off : List.of(singleOff, parallelOff)) {
      off.addNote("registry:2 column: the same runs as the fsync-on row above");
    }
  }

  /** Every digest pushed in this run, removed afterwards so that the data set can be kept. */
  final Set<String> pushed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  void removePushedBlobs(Path root) throws IOException {
    Layout layout = new Layout(root);
    List<Path> paths = new ArrayList<>();
    for (String digest : pushed) {
      String hex = Layout.hex(digest);
      paths.add(layout.blobPath(hex).getParent());
      paths.add(layout.repository("bench/app").resolve("_layers/sha256/" + hex));
    }
    Processes.discard(paths, config.work.resolve("trash"));
  }

  /** POST, then PUT of the whole file with curl: MB/s over both requests. */
  double pushOne(Bench.Target t, Path file, String digest) throws Exception {
    long start = System.nanoTime();
    String location = startUpload(t, "bench/app");
    double post = (System.nanoTime() - start) / 1e9;
    String url = location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    pushed.add(digest);
    Processes.ExecResult r = Processes.exec(List.of("curl", "-sS", "-o", "/dev/null", "-w",
        "%{http_code} %{time_total}", "-H", "Expect:", "-H",
        "Content-Type: application/octet-stream", "-T", file.toString(), url), null);
    String[] f = r.output().trim().split(" ");
    Util.check(f[0].equals("201"), t.name() + " push answered " + r.output());
    return Files.size(file) / (post + Double.parseDouble(f[1])) / 1e6;
  }

  String startUpload(Bench.Target t, String repository) throws Exception {
    HttpResponse<Void> post = bench.http.send(HttpRequest.newBuilder(URI.create(t.base() + "/v2/"
        + repository + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    Util.check(post.statusCode() == 202, t.name() + " POST upload answered " + post.statusCode());
    String location = post.headers().firstValue("Location").orElseThrow();
    return URI.create(t.base() + "/").resolve(location).toString();
  }

  double pushParallel(Bench.Target t, List<byte[]> contents, List<String> digests)
      throws Exception {
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
            HttpResponse<Void> put = bench.http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(contents.get(i))).build(),
                HttpResponse.BodyHandlers.discarding());
            Util.check(put.statusCode() == 201, t.name() + " PUT answered " + put.statusCode());
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
      digests.add("sha256:" + Util.sha256Hex(b));
    }
  }
}
