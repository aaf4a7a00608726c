import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row 8, start-up: {@code java -jar berth.jar serve} and {@code docker-registry serve} from process
 * start to the first 200 on {@code /v2/}, and Berth embedded in a fresh JVM
 * ({@link EmbeddedStart}).
 */
final class Startup {
  final Bench bench;
  final Config config;

  Startup(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  void measure() throws Exception {
    if (!config.wants("startup")) {
      return;
    }
    Bench.log("== start-up (" + config.startupRounds + " rounds)");
    Row jar = bench.row("startup.jar",
        "start-up: java -jar to first 200 on /v2/ (r2: process start)", "ms", false);
    Row embedded = bench.row("startup.embedded",
        "start-up: embedded in-memory, in-process (r2: process start)", "ms", false);
    List<Double> warm = new ArrayList<>();
    List<Double> jvmToReady = new ArrayList<>();
    List<Double> jvmOnly = new ArrayList<>();
    for (int round = 0; round < config.startupRounds; round++) {
      Path berthDir = Files.createDirectories(config.work.resolve("startup-berth-" + round));
      Path r2Dir = Files.createDirectories(config.work.resolve("startup-r2-" + round));
      // A: java -jar berth.jar serve
      int port = Processes.freePort();
      List<String> cmd = Processes.javaBerth(config, "serve", "--host", "127.0.0.1", "--port",
          String.valueOf(port), "--storage", berthDir.toString());
      double b = timeToReady(cmd, port, config.work.resolve("startup-berth.log"));
      jar.berth.add(b);
      bench.pause();
      // B: docker-registry serve
      port = Processes.freePort();
      Path cfg = Processes.writeRegistry2Config(config.work.resolve("startup-r2.yml"), r2Dir, port);
      double r = timeToReady(List.of("docker-registry", "serve", cfg.toString()), port,
          config.work.resolve("startup-r2.log"));
      jar.registry2.add(r);
      embedded.registry2.add(r);
      bench.pause();
      // A again: the embedded, in-process start in a fresh JVM
      List<String> e = new ArrayList<>(List.of("java"));
      e.addAll(config.berthJavaOpts);
      e.addAll(List.of("-cp", config.classes + ":" + config.jar, "EmbeddedStart"));
      String out = Processes.exec(e, null).output();
      Map<String, Double> values = keyValues(out);
      if (!values.containsKey("cold_ms")) {
        throw new IllegalStateException("EmbeddedStart printed: " + out);
      }
      embedded.berth.add(values.get("cold_ms"));
      warm.add(values.get("warm_ms"));
      jvmToReady.add(values.get("jvm_to_ready_ms"));
      // The JVM alone: java -version.
      long t = System.nanoTime();
      Processes.exec(List.of("java", "-version"), null);
      jvmOnly.add((System.nanoTime() - t) / 1e6);
      Bench.log(String.format(Locale.ROOT, "  round %d: java -jar %.0f ms, registry:2 %.0f ms, "
          + "embedded %.0f ms (second start in the same JVM %.1f ms)", round + 1, b, r,
          values.get("cold_ms"), values.get("warm_ms")));
      bench.pause();
    }
    embedded.addNote(String.format(Locale.ROOT, "first start in a fresh JVM; a second start in "
        + "the same JVM takes %.1f ms; JVM start to first 200 %.0f ms", Util.median(warm),
        Util.median(jvmToReady)));
    jar.addNote(String.format(Locale.ROOT, "of which JVM start (java -version) ~%.0f ms",
        Util.median(jvmOnly)));
  }

  /** Starts a server process and polls {@code /v2/} until it answers 200; stops it; ms. */
  double timeToReady(List<String> command, int port, Path log) throws Exception {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      Processes.awaitOk(port, p, Duration.ofSeconds(60));
      return (System.nanoTime() - start) / 1e6;
    } finally {
      Processes.stop(p);
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
}
