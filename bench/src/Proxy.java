import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The {@code proxy} group: an image pulled through Berth's pull-through cache
 * ({@code --proxy-remote-url}) and through registry:2's proxy mode ({@code proxy.remoteurl}), both
 * in front of the same upstream registry:2 on loopback. Each round starts both caches on empty
 * storage (A B A B), pulls another image through each (a fresh JVM's first pull is class loading
 * and JIT; it is kept as a note), then the image once cold (every blob fetched from the upstream
 * while it is stored), then again warm (served from the cache); then, Berth only, the referrers of the proxied
 * image (registry:2 has no referrers API), whose list comes from the upstream's fallback tag.
 *
 * <p>The pull is what a client does: the manifest by tag, then the config and each layer, one
 * after the other, every body read to its end and its length checked.
 */
final class Proxy {
  static final String REPO = "bench/proxied";
  static final int LAYERS = 8;
  static final int LAYER_BYTES = 4 * 1024 * 1024;
  static final int REFERRERS = 10;
  static final int WARM_PULLS = 3;
  static final int REFERRER_GETS = 200;

  final Bench bench;
  final Config config;
  /** The image measured, and another (other content) pulled first to warm each cache up. */
  private Image image;
  private Image warmUp;
  private String subject;
  /** Berth's and registry:2's first pulls in a fresh process, for the note. */
  private final List<Double> firstBerth = new ArrayList<>();
  private final List<Double> firstRegistry2 = new ArrayList<>();

  record Image(String repository, List<String> blobs, List<Long> sizes, long bytes) {}

  Proxy(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  void measure() throws Exception {
    if (!config.wants("proxy")) {
      return;
    }
    Bench.log("== proxy: writing the upstream (" + LAYERS + " x " + LAYER_BYTES / Bench.MiB
        + " MiB layers, " + REFERRERS + " referrers in a fallback tag)");
    Path upstreamDir = config.work.resolve("proxy-upstream");
    writeUpstream(upstreamDir);
    int upPort = Processes.freePort();
    Path upCfg = Processes.writeRegistry2Config(config.work.resolve("proxy-upstream.yml"),
        upstreamDir, upPort);
    Process up = new ProcessBuilder("docker-registry", "serve", upCfg.toString())
        .redirectErrorStream(true)
        .redirectOutput(config.work.resolve("proxy-upstream.log").toFile()).start();
    String upstream = "http://127.0.0.1:" + upPort;
    String mib = LAYERS + " x " + LAYER_BYTES / Bench.MiB + " MiB";
    Row cold = bench.row("proxy.cold", "image pull through the proxy, cold cache (" + mib
        + ", 1 client)", "s", false);
    Row warm = bench.row("proxy.warm", "image pull through the proxy, warm cache (" + mib
        + ", 1 client)", "s", false);
    Row refs = bench.row("proxy.referrers", "referrers first page, proxied subject ("
        + REFERRERS + " from the upstream's fallback tag; Berth only)", "ms", false);
    try {
      Processes.awaitOk(upPort, up, Duration.ofSeconds(60));
      for (int round = -1; round < config.rounds; round++) {
        double[] b = once("berth", upstream, round);
        bench.pause();
        double[] r = once("registry2", upstream, round);
        bench.pause();
        if (round < 0) {
          continue; // the warm-up round: JIT and page cache, unrecorded
        }
        cold.berth.add(b[0]);
        cold.registry2.add(r[0]);
        warm.berth.add(b[1]);
        warm.registry2.add(r[1]);
        refs.berth.add(b[2]);
        Bench.log(String.format(Locale.ROOT, "  round %d:  cold Berth %s / registry:2 %s s,"
            + "  warm Berth %s / registry:2 %s s,  referrers Berth %s ms", round + 1,
            Util.format(b[0]), Util.format(r[0]), Util.format(b[1]), Util.format(r[1]),
            Util.format(b[2])));
      }
    } finally {
      Processes.stop(up);
    }
    cold.limit = "loopback, upstream registry:2";
    cold.addNote("each round starts both caches on empty storage and pulls another image"
        + " (8 x 1 MiB) through each first; that first pull in a fresh process took Berth "
        + Util.format(Util.median(firstBerth)) + " s, registry:2 "
        + Util.format(Util.median(firstRegistry2)) + " s (median)");
    refs.addNote("median of " + REFERRER_GETS + " GETs after the first");
  }

  /** One cache on empty storage: cold pull, warm pull (median), referrers (Berth; else NaN). */
  private double[] once(String name, String upstream, int round) throws Exception {
    Path dir = config.work.resolve("proxy-" + name + "-" + (round + 1));
    Processes.deleteTree(dir);
    Files.createDirectories(dir);
    int port = Processes.freePort();
    Process p;
    if (name.equals("berth")) {
      p = bench.startBerth(port, dir, "proxy-berth.log", "--proxy-remote-url", upstream);
    } else {
      Path cfg = Processes.writeRegistry2Config(config.work.resolve("proxy-registry2.yml"), dir,
          port);
      Files.writeString(cfg, "proxy:\n  remoteurl: " + upstream + "\n",
          java.nio.file.StandardOpenOption.APPEND);
      p = new ProcessBuilder("docker-registry", "serve", cfg.toString())
          .redirectErrorStream(true)
          .redirectOutput(config.work.resolve("proxy-registry2.log").toFile()).start();
    }
    try {
      Processes.awaitOk(port, p, Duration.ofSeconds(120));
      String base = "http://127.0.0.1:" + port;
      // A cache in service has run its fetch path before: the first pull of a fresh process
      // measures the JVM's class loading and JIT, not the cache (noted, not in the row).
      double first = pull(base, warmUp);
      if (round >= 0) {
        (name.equals("berth") ? firstBerth : firstRegistry2).add(first);
      }
      double coldSeconds = pull(base, image);
      double[] warm = new double[WARM_PULLS];
      for (int i = 0; i < WARM_PULLS; i++) {
        warm[i] = pull(base, image);
      }
      double referrers = name.equals("berth") ? referrers(base) : Double.NaN;
      return new double[] {coldSeconds, Util.median(warm), referrers};
    } finally {
      Processes.stop(p);
      Processes.discard(List.of(dir), config.work.resolve("trash"));
    }
  }

  /** The manifest by tag, then each blob in turn; seconds for all of it. */
  private double pull(String base, Image img) throws Exception {
    List<String> blobs = img.blobs();
    List<Long> sizes = img.sizes();
    long start = System.nanoTime();
    HttpResponse<byte[]> m = bench.http.send(HttpRequest.newBuilder(URI.create(base + "/v2/"
        + img.repository() + "/manifests/1")).header("Accept", DataSets.OCI_MANIFEST).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    Util.check(m.statusCode() == 200, base + " manifest: " + m.statusCode());
    long total = m.body().length;
    for (int i = 0; i < blobs.size(); i++) {
      HttpResponse<InputStream> r = bench.http.send(HttpRequest.newBuilder(URI.create(base
          + "/v2/" + img.repository() + "/blobs/" + blobs.get(i))).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      long n;
      try (InputStream in = r.body()) {
        n = in.transferTo(OutputStream.nullOutputStream());
      }
      Util.check(r.statusCode() == 200 && n == sizes.get(i), base + " blob " + blobs.get(i)
          + ": " + r.statusCode() + ", " + n + " bytes");
      total += n;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Util.check(total == img.bytes(), "pulled " + total + " of " + img.bytes());
    return seconds;
  }

  /** The first page of the subject's referrers: one untimed GET, then the median of many. */
  private double referrers(String base) throws Exception {
    HttpRequest get = HttpRequest.newBuilder(URI.create(base + "/v2/" + REPO + "/referrers/"
        + subject)).build();
    double[] ms = new double[REFERRER_GETS];
    for (int i = -1; i < REFERRER_GETS; i++) {
      long t = System.nanoTime();
      HttpResponse<String> r = bench.http.send(get, HttpResponse.BodyHandlers.ofString());
      double took = (System.nanoTime() - t) / 1e6;
      Util.check(r.statusCode() == 200 && count(r.body(), "\"digest\"") == REFERRERS,
          base + " referrers: " + r.statusCode() + " " + r.body());
      if (i >= 0) {
        ms[i] = took;
      }
    }
    return Util.median(ms);
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  record Written(Image image, DataSets.Manifest manifest) {}

  /** An image of a config and {@link #LAYERS} random layers, tagged 1 in {@code repository}. */
  private static Written image(Layout layout, String repository, int layerBytes, long seed)
      throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    List<byte[]> layers = new ArrayList<>();
    for (int i = 0; i < LAYERS; i++) {
      byte[] layer = new byte[layerBytes];
      random.nextBytes(layer);
      layers.add(layer);
    }
    byte[] cfg = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
        + "\"layers\"},\"seed\":" + seed + "}").getBytes(StandardCharsets.UTF_8);
    DataSets.Manifest m = DataSets.imageManifest(layout, cfg, layers, "");
    DataSets.linkManifest(layout, repository, m);
    layout.tag(repository, "1", m.digest());
    List<Long> sizes = new ArrayList<>();
    sizes.add((long) cfg.length);
    layers.forEach(l -> sizes.add((long) l.length));
    long bytes = m.bytes().length + cfg.length + (long) LAYERS * layerBytes;
    return new Written(new Image(repository, m.blobs(), sizes, bytes), m);
  }

  /** The upstream's storage: the image tagged 1, its referrers and their fallback tag. */
  private void writeUpstream(Path root) throws Exception {
    Processes.deleteTree(root);
    Layout layout = new Layout(root);
    warmUp = image(layout, "bench/proxy-warmup", 1024 * 1024, 16).image;
    Written written = image(layout, REPO, LAYER_BYTES, 15);
    image = written.image;
    DataSets.Manifest image = written.manifest;
    subject = image.digest();
    String empty = layout.blob(DataSets.EMPTY);
    layout.layerLink(REPO, empty);
    String subjectDescriptor = DataSets.descriptor(DataSets.OCI_MANIFEST, image.digest(),
        image.bytes().length);
    StringBuilder index = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\""
        + DataSets.OCI_INDEX + "\",\"manifests\":[");
    for (int i = 0; i < REFERRERS; i++) {
      String type = "application/vnd.example.signature.v1+json";
      byte[] referrer = ("{\"schemaVersion\":2,\"mediaType\":\"" + DataSets.OCI_MANIFEST
          + "\",\"artifactType\":\"" + type + "\",\"config\":"
          + DataSets.descriptor(DataSets.EMPTY_TYPE, empty, 2) + ",\"layers\":["
          + DataSets.descriptor(DataSets.EMPTY_TYPE, empty, 2) + "],\"subject\":"
          + subjectDescriptor + ",\"annotations\":{\"bench.referrer\":\"" + i + "\"}}")
          .getBytes(StandardCharsets.UTF_8);
      String digest = layout.blob(referrer);
      layout.revision(REPO, digest);
      index.append(i == 0 ? "" : ",").append("{\"mediaType\":\"" + DataSets.OCI_MANIFEST
          + "\",\"digest\":\"" + digest + "\",\"size\":" + referrer.length
          + ",\"artifactType\":\"" + type + "\"}");
    }
    byte[] indexBytes = index.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    String indexDigest = layout.blob(indexBytes);
    layout.revision(REPO, indexDigest);
    layout.tag(REPO, image.digest().replace(':', '-'), indexDigest);
  }
}
