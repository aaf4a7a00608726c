import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code --profile}: JFR recordings of Berth per workload, and their hot spots as text (also
 * {@code Bench --summarise x.jfr} for any recording).
 */
final class Profiles {
  private Profiles() {}

  /** Starts a recording of the workload {@code what} in Berth; returns its name. */
  static String start(Bench.Target berth, String what) throws Exception {
    String name = what.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    Processes.ExecResult r = Processes.exec(List.of("jcmd", String.valueOf(berth.process().pid()),
        "JFR.start", "name=" + name, "settings=profile"), null);
    Util.check(r.code() == 0, "jcmd JFR.start: " + r.output());
    return name;
  }

  /** Stops the recording {@code name} into {@code results/profile/<name>.jfr} and summarises it. */
  static void stop(Bench.Target berth, Path results, String name) throws Exception {
    Path dir = Files.createDirectories(results.resolve("profile"));
    Path file = dir.resolve(name + ".jfr");
    Processes.ExecResult r = Processes.exec(List.of("jcmd", String.valueOf(berth.process().pid()),
        "JFR.stop", "name=" + name, "filename=" + file), null);
    Util.check(r.code() == 0, "jcmd JFR.stop: " + r.output());
    summarise(file, name);
  }

  /**
   * Reads a recording's execution and native-method samples and writes {@code profile/<name>.txt}:
   * the hottest top frames, the hottest frames in Berth's own code (the nearest {@code dev.berth}
   * frame of each sample) and Berth methods by inclusive samples.
   */
  static void summarise(Path jfr, String name) throws Exception {
    Processes.ExecResult r = Processes.exec(List.of("jfr", "print", "--events",
        "jdk.ExecutionSample,jdk.NativeMethodSample", "--stack-depth", "64", jfr.toString()), null);
    Map<String, Integer> top = new java.util.HashMap<>();
    Map<String, Integer> nearestBerth = new java.util.HashMap<>();
    Map<String, Integer> inclusive = new java.util.HashMap<>();
    int samples = 0;
    for (String block : r.output().split("jdk\\.(?:ExecutionSample|NativeMethodSample) \\{")) {
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
    Bench.log("  profile: " + txt);
  }

  static void appendTop(StringBuilder out, String title, Map<String, Integer> counts, int total,
      int limit) {
    out.append("\n").append(title).append(":\n");
    counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(limit)
        .forEach(e -> out.append(String.format(Locale.ROOT, "  %6d %5.1f%%  %s%n", e.getValue(),
            100.0 * e.getValue() / Math.max(1, total), e.getKey())));
  }
}
