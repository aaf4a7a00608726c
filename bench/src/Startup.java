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
 * start to the first 200 on {@code /v2/}; Berth embedded in a fresh JVM ({@link EmbeddedStart}),
 * first and second start; and the first start's stages ({@code EmbeddedStart --stages}, notes).
 * Beside them, in the same rounds, a bare Jetty 12 servlet server on the same class path
 * ({@code EmbeddedStart --jetty}): the floor under Berth's HTTP layer, reported in the notes and
 * in the start-up goals, so that a target can be read against what Jetty alone costs here.
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
        "start-up: embedded in-memory, first in a JVM (r2: process start)", "ms", false);
    Row second = bench.row("startup.embedded.second",
        "start-up: embedded in-memory, second in the same JVM", "ms", false);
    List<Double> jvmToReady = new ArrayList<>();
    List<Double> jvmOnly = new ArrayList<>();
    Map<String, List<Double>> stages = new LinkedHashMap<>();
    List<Double> secondClose = new ArrayList<>();
    List<Double> jettyFirst = new ArrayList<>();
    List<Double> jettySecond = new ArrayList<>();
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
      Map<String, Double> values = embedded(List.of(), "cold_ms");
      embedded.berth.add(values.get("cold_ms"));
      second.berth.add(values.get("warm_ms"));
      secondClose.add(values.get("second_close_ms"));
      jvmToReady.add(values.get("jvm_to_ready_ms"));
      bench.pause();
      // The floor: a bare Jetty servlet server, first and second start, in a fresh JVM.
      Map<String, Double> jetty = embedded(List.of("--jetty"), "cold_ms");
      jettyFirst.add(jetty.get("cold_ms"));
      jettySecond.add(jetty.get("warm_ms"));
      embedded(List.of("--stages"), "registry_ms")
          .forEach((k, v) -> stages.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
      // The JVM alone: java -version.
      long t = System.nanoTime();
      Processes.exec(List.of("java", "-version"), null);
      jvmOnly.add((System.nanoTime() - t) / 1e6);
      Bench.log(String.format(Locale.ROOT, "  round %d: java -jar %.0f ms, registry:2 %.0f ms, "
          + "embedded %.0f ms (second start in the same JVM %.1f ms), bare Jetty servlet %.0f ms "
          + "(second %.1f ms)", round + 1, b, r, values.get("cold_ms"), values.get("warm_ms"),
          jetty.get("cold_ms"), jetty.get("warm_ms")));
      bench.pause();
    }
    embedded.addNote(String.format(Locale.ROOT, "JVM start to first 200 %.0f ms; stages one "
        + "after the other, no warm-up thread: registry %.0f ms, Jetty start %.0f ms, first "
        + "request %.0f ms; the start-time recovery of an empty in-memory registry %.0f us",
        Util.median(jvmToReady), Util.median(stages.get("registry_ms")),
        Util.median(stages.get("server_ms")), Util.median(stages.get("first_request_ms")),
        Util.median(stages.get("recovery_us"))));
    embedded.addNote(String.format(Locale.ROOT, "same rounds, a bare Jetty 12 servlet server on "
        + "the same class path (one servlet, Berth's thread pool): first start %.0f ms",
        Util.median(jettyFirst)));
    second.addNote(String.format(Locale.ROOT, "from its start to its first 200; its close() "
        + "took %.1f ms more; a bare Jetty 12 servlet server's second start %.1f ms",
        Util.median(secondClose), Util.median(jettySecond)));
    bench.bareJettyFirstMs = Util.median(jettyFirst);
    bench.bareJettySecondMs = Util.median(jettySecond);
    jar.addNote(String.format(Locale.ROOT, "of which JVM start (java -version) ~%.0f ms",
        Util.median(jvmOnly)));
  }

  /** Runs EmbeddedStart in a fresh JVM on berth-junit5's class path; its key=value pairs. */
  Map<String, Double> embedded(List<String> args, String expected) throws Exception {
    List<String> e = new ArrayList<>(List.of("java"));
    e.addAll(config.berthJavaOpts);
    e.addAll(List.of("-cp", config.classes + ":" + config.embeddedLib + "/*", "EmbeddedStart"));
    e.addAll(args);
    String out = Processes.exec(e, null).output();
    Map<String, Double> values = keyValues(out);
    if (!values.containsKey(expected)) {
      throw new IllegalStateException("EmbeddedStart " + args + " printed: " + out);
    }
    return values;
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
