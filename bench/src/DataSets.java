import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The data the rows read, written directly in registry:2's on-disk layout (SPEC §6) through
 * {@link Layout}: much faster than pushing it, and the same bytes for both registries.
 */
final class DataSets {
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
  static final String EMPTY_TYPE = "application/vnd.oci.empty.v1+json";
  static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

  final Bench bench;
  final Config config;

  DataSets(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  /**
   * The data set of the HTTP rows in {@code set}: written in the registry:2 layout into
   * {@code r2Dir}, copied to {@code berthDir} and reindexed there by Berth, unless an earlier run
   * completed it (and {@code --fresh} is not given). Returns what the rows need to know of it.
   */
  SeedInfo http(Path set, Path berthDir, Path r2Dir) throws Exception {
    Path complete = set.resolve("complete.properties");
    java.util.Properties about = new java.util.Properties();
    if (Files.exists(complete) && !config.fresh) {
      Bench.log("== data set " + set + " (kept from an earlier run; --fresh writes it anew)");
      try (var in = Files.newInputStream(complete)) {
        about.load(in);
      }
    } else {
      Bench.log("== data set " + set
          + " (written in the registry:2 layout, copied for each registry)");
      Processes.deleteTree(set);
      long t = System.nanoTime();
      SeedInfo written = writeSeed(r2Dir);
      about.setProperty("pull", written.pullBlob());
      about.setProperty("subjects", String.join(",", written.subjects()));
      about.setProperty("indexSizes", written.indexSizes().stream().map(String::valueOf)
          .collect(java.util.stream.Collectors.joining(",")));
      about.setProperty("written", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t)
          / 1e9));
      t = System.nanoTime();
      Processes.copyTree(r2Dir, berthDir);
      about.setProperty("copied", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t)
          / 1e9));
      Processes.ExecResult reindex = Processes.exec(Processes.javaBerth(config, "reindex",
          "--storage", berthDir.toString()), null);
      if (reindex.code() != 0) {
        throw new IllegalStateException("berth reindex exited with " + reindex.code() + ": "
            + reindex.output());
      }
      about.setProperty("reindex", String.format(Locale.ROOT, "%.1f", reindex.seconds()));
      about.setProperty("reindexOutput", reindex.output().trim());
      try (var out = Files.newOutputStream(complete)) {
        about.store(out, "bench/run data set, complete");
      }
    }
    SeedInfo seed = new SeedInfo(about.getProperty("pull"), List.of(about.getProperty("subjects")
        .split(",")), Arrays.stream(about.getProperty("indexSizes").split(","))
        .map(Integer::valueOf).toList());
    bench.info(String.format(Locale.ROOT,
        "HTTP data set: written directly in the registry:2 layout "
        + "in %s s, copied for Berth (cp -a) in %s s; then 'java -jar berth.jar reindex' built "
        + "Berth's referrers index over it in %s s: %s", about.getProperty("written"),
        about.getProperty("copied"), about.getProperty("reindex"),
        about.getProperty("reindexOutput")));
    return seed;
  }

  /**
   * The storage of Berth with {@code --storage-fsync false} (the write rows' third server): a copy
   * of Berth's own, referrers index included, so that flushing is the only difference between the
   * two. Kept in {@code set} like the others; made once.
   */
  Path copyForNoFsync(Path set, Path berthDir) throws Exception {
    Path dir = set.resolve("berth-nofsync");
    Path complete = set.resolve("berth-nofsync.complete");
    if (!Files.exists(complete)) {
      Bench.log("== copying Berth's storage for Berth --storage-fsync false (once per data set)");
      long t = System.nanoTime();
      Processes.copyTree(berthDir, dir);
      Files.writeString(complete, String.format(Locale.ROOT, "copied in %.1f s%n",
          (System.nanoTime() - t) / 1e9));
    }
    return dir;
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

  record GcSeed(int orphans, int untagged, int untaggedBlobs) {}

  /**
   * {@code gcRepos} repositories, each with {@code gcManifestsPerRepo} image manifests (a config
   * and eight layers each, 80% tagged) and {@code gcBlobsPerRepo} blobs in all, of which those past
   * the manifests' 9 per manifest are linked into the repository but named by no manifest.
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

  /** Writes {@code size} random bytes; returns their digest. */
  static String writeRandomFile(Path file, long size, long seed) throws IOException {
    MessageDigest md = Util.sha256();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] buffer = new byte[(int) Bench.MiB];
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
}
