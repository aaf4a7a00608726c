import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Row 7: manifest PUT by tag, the small durable write. Every round PUTs new, distinct OCI image
 * manifests (each naming the same config and layer, pushed once beforehand, and told apart by an
 * annotation) under new tags, {@code putClients} at a time on keep-alive connections
 * ({@link RawHttp}): manifests/s over the batch and the p99 of the requests' latencies. The same
 * manifests go to each registry in a round; Berth runs with its default flushing and, as a third
 * server, with {@code --storage-fsync false}.
 */
final class ManifestPuts {
  static final String REPOSITORY = "bench/put";

  final Bench bench;
  final Config config;
  /** Every manifest and blob digest this group stored, removed afterwards. */
  final Set<String> stored = ConcurrentHashMap.newKeySet();

  ManifestPuts(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  /** One manifest to PUT: where, the whole request, and its digest. */
  record Put(String tag, byte[] body, String digest) {}

  void measure() throws Exception {
    if (!config.wants("manifest-put")) {
      return;
    }
    int count = config.putClients * config.putPerClient;
    String title = String.format(Locale.ROOT, "manifest PUT by tag, %d clients, %,d new "
        + "manifests", config.putClients, count);
    Row rate = bench.row("put.rate", title + Blobs.FSYNC_ON, "manifests/s", true);
    Row rateOff = bench.row("put.rate.nofsync", title + Blobs.FSYNC_OFF, "manifests/s", true);
    Row p99 = bench.row("put.p99", "manifest PUT by tag, p99 latency" + Blobs.FSYNC_ON, "ms",
        false);
    Row p99Off = bench.row("put.p99.nofsync", "manifest PUT by tag, p99 latency"
        + Blobs.FSYNC_OFF, "ms", false);
    // The config and the layer every manifest names, on each registry before anything is timed.
    byte[] imageConfig = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Labels\":"
        + "{\"bench\":\"manifest-put\"}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}")
        .getBytes(StandardCharsets.UTF_8);
    byte[] layer = new byte[4096];
    new SplittableRandom(4242).nextBytes(layer);
    String configDigest = "sha256:" + Util.sha256Hex(imageConfig);
    String layerDigest = "sha256:" + Util.sha256Hex(layer);
    stored.add(configDigest);
    stored.add(layerDigest);
    for (Bench.Target t : targets()) {
      pushBlob(t, imageConfig, configDigest);
      pushBlob(t, layer, layerDigest);
    }
    String prefix = "{\"schemaVersion\":2,\"mediaType\":\"" + DataSets.OCI_MANIFEST
        + "\",\"config\":" + DataSets.descriptor(DataSets.OCI_CONFIG, configDigest,
            imageConfig.length) + ",\"layers\":[" + DataSets.descriptor(DataSets.OCI_LAYER,
            layerDigest, layer.length) + "],\"annotations\":{\"bench.put\":\"";
    List<Put> batch = new ArrayList<>();
    bench.alternate("manifest PUT by tag, " + config.putClients + " clients",
        List.of(rate, p99), List.of(rateOff, p99Off), true, (t, round) -> {
          if (t.berth()) {
            // New manifests for the round, the same for every registry; half as many to warm up.
            batch.clear();
            int n = round < 0 ? Math.max(config.putClients, count / 2) : count;
            for (int i = 0; i < n; i++) {
              String tag = String.format(Locale.ROOT, "%s-%05d", round < 0 ? "w" : "r" + round,
                  i);
              byte[] body = (prefix + tag + "\"}}").getBytes(StandardCharsets.UTF_8);
              batch.add(new Put(tag, body, "sha256:" + Util.sha256Hex(body)));
            }
            batch.forEach(p -> stored.add(p.digest()));
          }
          bench.syncDisk();
          return putAll(t, batch);
        });
    for (Row off : List.of(rateOff, p99Off)) {
      off.addNote("registry:2 column: the same runs as the fsync-on row above");
    }
    rate.addNote(String.format(Locale.ROOT, "each an OCI image manifest of %d bytes naming one "
        + "config and one layer pushed beforehand; PUT on %d keep-alive connections",
        batch.get(0).body().length, config.putClients));
  }

  List<Bench.Target> targets() {
    return bench.berthNoFsync == null ? List.of(bench.berth, bench.registry2)
        : List.of(bench.berth, bench.berthNoFsync, bench.registry2);
  }

  /** Pushes a small blob (POST, then PUT with the digest); untimed. */
  void pushBlob(Bench.Target t, byte[] content, String digest) throws Exception {
    String location = new Blobs(bench).startUpload(t, REPOSITORY);
    String url = location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    HttpResponse<Void> put = bench.http.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
        HttpResponse.BodyHandlers.discarding());
    Util.check(put.statusCode() == 201, t.name() + " blob PUT answered " + put.statusCode());
  }

  /**
   * PUTs the batch, client {@code c} sending puts {@code c, c + clients, ...} one after another on
   * its own connection (opened before the clock starts): {manifests/s, p99 ms}.
   */
  double[] putAll(Bench.Target t, List<Put> batch) throws Exception {
    int clients = config.putClients;
    long[] latencies = new long[batch.size()];
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    long[] start = new long[1];
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        done.add(pool.submit(() -> {
          try (RawHttp http = new RawHttp(t.base())) {
            List<byte[]> requests = new ArrayList<>();
            for (int i = client; i < batch.size(); i += clients) {
              Put p = batch.get(i);
              requests.add(http.request("PUT", "/v2/" + REPOSITORY + "/manifests/" + p.tag(),
                  DataSets.OCI_MANIFEST, p.body()));
            }
            http.open();
            ready.countDown();
            go.await();
            for (int k = 0, i = client; i < batch.size(); k++, i += clients) {
              long sent = System.nanoTime();
              int status = http.send(requests.get(k));
              latencies[i] = System.nanoTime() - sent;
              Util.check(status == 201, t.name() + " PUT manifest " + batch.get(i).tag()
                  + " answered " + status);
            }
          }
          return null;
        }));
      }
      ready.await();
      start[0] = System.nanoTime();
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      double seconds = (System.nanoTime() - start[0]) / 1e9;
      long[] sorted = latencies.clone();
      Arrays.sort(sorted);
      double p99 = sorted[(int) Math.ceil(0.99 * sorted.length) - 1] / 1e6;
      return new double[] {batch.size() / seconds, p99};
    } finally {
      go.countDown();
      pool.shutdownNow();
    }
  }

  /** Takes the repository and every blob this group stored out of {@code root}. */
  void removeStored(Path root) throws Exception {
    if (stored.isEmpty()) {
      return;
    }
    Layout layout = new Layout(root);
    List<Path> paths = new ArrayList<>(List.of(layout.repository(REPOSITORY)));
    for (String digest : stored) {
      paths.add(layout.blobPath(Layout.hex(digest)).getParent());
    }
    Processes.discard(paths, config.work.resolve("trash"));
  }
}
