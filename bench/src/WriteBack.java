import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An experiment, not a row: would the monolithic push keep more of its speed with flushing on if
 * the disk wrote the early parts of a large upload while the later parts still arrive? Serves
 * embedded Berth registries in this JVM, each on its own storage directory, that differ only in
 * their storage: Berth's own durable storage, a {@link WriteBackStorage} that flushes only at the
 * end (the control: it should match Berth's), one that flushes every {@code --step-mib} in the
 * background, and Berth with flushing off; registry:2 beside them. Each round pushes one new
 * random blob to each in turn, after an untimed {@code sync}, as {@code bench/run}'s push row does
 * (POST, then {@code curl -T} of the whole blob).
 *
 * <pre>
 * java -cp bench/results/classes:registry-jetty-launcher/target/berth.jar WriteBack \
 *     --dir bench/results/writeback --size-mib 256 --rounds 5 --step-mib 32
 * </pre>
 */
public final class WriteBack {
  record Variant(String name, String base, WriteBackStorage storage) {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of("bench/results/writeback");
    long size = 256 * Bench.MiB;
    int rounds = 5;
    long step = 32 * Bench.MiB;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[++i]);
        case "--size-mib" -> size = Long.parseLong(args[++i]) * Bench.MiB;
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--step-mib" -> step = Long.parseLong(args[++i]) * Bench.MiB;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    dir = dir.toAbsolutePath();
    Processes.deleteTree(dir);
    Files.createDirectories(dir);
    List<Variant> variants = new ArrayList<>();
    List<AutoCloseable> open = new ArrayList<>();
    Process registry2 = null;
    try {
      variants.add(serve("berth fsync on (its own writer)", Registry.builder()
          .filesystem(dir.resolve("berth"), true).build(), null, open));
      WriteBackStorage control = new WriteBackStorage(dir.resolve("control"), 0);
      variants.add(serve("experiment, force at the end only", Registry.builder()
          .storage(control).build(), control, open));
      WriteBackStorage early = new WriteBackStorage(dir.resolve("early"), step);
      variants.add(serve("experiment, background force every " + step / Bench.MiB + " MiB",
          Registry.builder().storage(early).build(), early, open));
      variants.add(serve("berth --storage-fsync false", Registry.builder()
          .filesystem(dir.resolve("nofsync"), false).build(), null, open));
      int port = Processes.freePort();
      Path cfg = Processes.writeRegistry2Config(dir.resolve("registry2.yml"),
          dir.resolve("registry2"), port);
      registry2 = new ProcessBuilder("docker-registry", "serve", cfg.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("registry2.log").toFile()).start();
      Processes.awaitOk(port, registry2, java.time.Duration.ofSeconds(60));
      variants.add(new Variant("registry:2", "http://127.0.0.1:" + port, null));
      run(variants, dir, size, rounds);
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
      Processes.stop(registry2);
      Processes.deleteTree(dir);
    }
  }

  static Variant serve(String name, Registry registry, WriteBackStorage storage,
      List<AutoCloseable> open) {
    open.add(registry);
    BerthServer server = BerthServer.start(registry, "127.0.0.1", 0);
    open.add(0, server);
    return new Variant(name, "http://127.0.0.1:" + server.port(), storage);
  }

  static void run(List<Variant> variants, Path dir, long size, int rounds) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Map<Variant, List<Double>> rates = new LinkedHashMap<>();
    variants.forEach(v -> rates.put(v, new ArrayList<>()));
    Path file = dir.resolve("push.bin");
    System.out.printf(Locale.ROOT, "write-back experiment: %d MiB monolithic push, %d rounds "
        + "after one warm-up, load average %s%n", size / Bench.MiB, rounds, Util.loadAverage());
    for (int round = -1; round < rounds; round++) {
      String digest = DataSets.writeRandomFile(file, size, 5000 + round);
      StringBuilder line = new StringBuilder(round < 0 ? "  warm-up:" : "  round " + (round + 1)
          + ":");
      for (Variant v : variants) {
        if (v.storage() != null && round == 0) {
          v.storage().finalForceNanos.set(0);
          v.storage().finalForces.set(0);
        }
        Processes.exec(List.of("sync"), null);
        double rate = push(http, v.base(), file, digest);
        if (round >= 0) {
          rates.get(v).add(rate);
        }
        line.append(String.format(Locale.ROOT, " %s", Util.format(rate)));
      }
      System.out.println(line + " MB/s");
    }
    Files.deleteIfExists(file);
    System.out.printf(Locale.ROOT, "%-50s %10s %10s  %s%n", "variant", "MB/s", "vs r2",
        "last force of each upload, before the 201 (mean)");
    double r2 = Util.median(rates.get(variants.get(variants.size() - 1)));
    for (Variant v : variants) {
      double median = Util.median(rates.get(v));
      String force = v.storage() == null ? "" : String.format(Locale.ROOT, "%.1f ms",
          v.storage().finalForceNanos.get() / 1e6 / Math.max(1, v.storage().finalForces.get()));
      System.out.printf(Locale.ROOT, "%-50s %10s %10.2f  %s%n", v.name(), Util.format(median),
          median / r2, force);
    }
    System.out.println("load average at the end " + Util.loadAverage());
  }

  /** POST, then PUT of the whole file with curl: MB/s over both requests. */
  static double push(HttpClient http, String base, Path file, String digest) throws Exception {
    long start = System.nanoTime();
    HttpResponse<Void> post = http.send(HttpRequest.newBuilder(URI.create(base
        + "/v2/exp/app/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
    Util.check(post.statusCode() == 202, base + " POST answered " + post.statusCode());
    String location = URI.create(base + "/").resolve(post.headers().firstValue("Location")
        .orElseThrow()).toString();
    double postSeconds = (System.nanoTime() - start) / 1e9;
    String url = location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    Processes.ExecResult r = Processes.exec(List.of("curl", "-sS", "-o", "/dev/null", "-w",
        "%{http_code} %{time_total}", "-H", "Expect:", "-H",
        "Content-Type: application/octet-stream", "-T", file.toString(), url), null);
    String[] f = r.output().trim().split(" ");
    Util.check(f[0].equals("201"), base + " push answered " + r.output());
    return Files.size(file) / (postSeconds + Double.parseDouble(f[1])) / 1e6;
  }
}
