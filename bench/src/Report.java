import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The table on standard output and in {@code latest.txt}, the same as JSON in {@code latest.json},
 * and the project's targets checked against the medians.
 */
final class Report {
  final Bench bench;
  final Config config;

  Report(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  record Goal(String name, boolean met, String detail) {}

  void write() throws IOException {
    List<Goal> goals = goals();
    StringBuilder t = new StringBuilder();
    t.append("\nBerth vs registry:2 (docker-registry ").append(registry2Version()).append("), ")
        .append(bench.started).append(", ").append(config.quick ? "quick" : "full").append(" run, ")
        .append(config.rounds).append(" rounds (A B A B ...), medians\n");
    t.append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
        .append(Util.memTotalMiB()).append(" MiB; load average at the end ")
        .append(Util.loadAverage())
        .append("\nratio: Berth better > 1 (Berth/registry:2 for rates, registry:2/Berth for "
            + "times, latencies and memory); MB = 10^6 bytes\n\n");
    String[] head = {"workload", "unit", "Berth", "registry:2", "ratio", "limit (MB/s)"};
    List<String[]> lines = new ArrayList<>();
    for (Row r : bench.rows.values()) {
      double ratio = r.ratio();
      lines.add(new String[] {r.title, r.unit, Util.format(r.berthMedian()),
          Util.format(r.registry2Median()),
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
    if (!bench.flushPairs.isEmpty()) {
      t.append("\ncost of flushing (Berth fsync on, its default, vs --storage-fsync false, the same"
          + " rounds; speed kept: on/off for rates, off/on for times, 1.00 = free):\n");
      for (Map.Entry<Row, Row> e : bench.flushPairs.entrySet()) {
        t.append(String.format(Locale.ROOT, "  %-60s %9s vs %9s %-11s speed kept %s%n",
            e.getKey().title.replace(Blobs.FSYNC_ON, ""), Util.format(e.getKey().berthMedian()),
            Util.format(e.getValue().berthMedian()), e.getKey().unit, kept(e)));
      }
    }
    t.append("\nlimits of this machine:\n");
    describeLimits().forEach(l -> t.append("  ").append(l).append("\n"));
    t.append("\ntargets:\n");
    for (Goal g : goals) {
      t.append("  [").append(g.met ? "met   " : "MISSED").append("] ").append(g.name()).append(": ")
          .append(g.detail).append("\n");
    }
    t.append("\nnotes:\n");
    for (Row r : bench.rows.values()) {
      if (!r.note.isEmpty()) {
        t.append("  ").append(r.id).append(": ").append(r.note).append("\n");
      }
    }
    bench.info.forEach(l -> t.append("  ").append(l).append("\n"));
    if (!bench.failures.isEmpty()) {
      t.append("\nfailures:\n");
      bench.failures.forEach(f -> t.append("  ").append(f).append("\n"));
    }
    Bench.log(t.toString());
    Files.writeString(config.results.resolve("latest.txt"), t.toString());
    Files.writeString(config.results.resolve("latest.json"), json(goals));
    Bench.log("bench: wrote " + config.results.resolve("latest.json") + " and latest.txt");
  }

  /** How much of Berth's speed without flushing it keeps with flushing on: 1.00 = free. */
  static String kept(Map.Entry<Row, Row> pair) {
    double kept = keptValue(pair);
    return Double.isNaN(kept) || Double.isInfinite(kept) ? "-"
        : String.format(Locale.ROOT, "%.2f", kept);
  }

  static double keptValue(Map.Entry<Row, Row> pair) {
    double on = pair.getKey().berthMedian();
    double off = pair.getValue().berthMedian();
    return pair.getKey().higherIsBetter ? on / off : off / on;
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
        + config.bigBlob / Bench.MiB + " MiB");
    names.put("disk_read_direct_MBps", "disk sequential read, dd iflag=direct, "
        + config.bigBlob / Bench.MiB + " MiB");
    names.put("loopback_MBps", "loopback copy, one TCP stream between two Java threads");
    names.forEach((k, v) -> {
      if (bench.limits.containsKey(k)) {
        l.add(String.format(Locale.ROOT, "%-75s %8.0f MB/s", v, bench.limits.get(k)));
      }
    });
    if (bench.limits.containsKey("gc_listing_baseline_s")) {
      l.add(String.format(Locale.ROOT, "%-75s %8.2f s", "GC listing baseline (walk and read the "
          + "GC data set)", bench.limits.get("gc_listing_baseline_s")));
    }
    return l;
  }

  List<Goal> goals() {
    List<Goal> goals = new ArrayList<>();
    List<String> behind = new ArrayList<>();
    int compared = 0;
    for (Row r : bench.rows.values()) {
      double ratio = r.ratio();
      // The --storage-fsync false rows measure the cost of flushing, not Berth as it ships.
      if (!Double.isNaN(ratio) && !bench.flushPairs.containsValue(r)) {
        compared++;
        if (ratio < 1.0) {
          behind.add(r.id + String.format(Locale.ROOT, " %.2f", ratio));
        }
      }
    }
    if (compared > 0) {
      goals.add(new Goal("Berth (its defaults) at least matches registry:2 on every row (ratio >= "
          + "1.0)",
          behind.isEmpty(), behind.isEmpty() ? compared + " rows compared"
          : "behind on " + String.join(", ", behind)));
    }
    for (String id : List.of("manifest.get.rps", "manifest.head.rps")) {
      Row r = bench.rows.get(id);
      if (r != null && !Double.isNaN(r.ratio())) {
        goals.add(new Goal(id + " >= 1.5x registry:2", r.ratio() >= 1.5,
            String.format(Locale.ROOT, "%.2fx", r.ratio())));
      }
    }
    // Issue 10: durable writes may not cost the pushes their lead.
    for (String id : List.of("push.1", "push.n")) {
      Row r = bench.rows.get(id);
      if (r != null && !Double.isNaN(r.ratio())) {
        goals.add(new Goal(id + " >= 1.5x registry:2 with Berth's flushing on", r.ratio() >= 1.5,
            String.format(Locale.ROOT, "%.2fx", r.ratio())));
      }
    }
    // Issue 11: token auth may cost Berth under 10% of its manifest GET rate without auth; the
    // token with its certificate in x5c (the form registry:2 and Berth are configured alike for)
    // and the same grant naming its key by kid (what most token servers send).
    Row noAuth = bench.rows.get("auth.manifest.get.none.rps");
    for (String[] form : new String[][] {{"auth.manifest.get.rps", "x5c token"},
        {"auth.manifest.get.kid.rps", "kid token"}}) {
      Row withAuth = bench.rows.get(form[0]);
      if (withAuth == null || noAuth == null || Double.isNaN(withAuth.berthMedian())
          || Double.isNaN(noAuth.berthMedian())) {
        continue;
      }
      double cost = 1 - withAuth.berthMedian() / noAuth.berthMedian();
      goals.add(new Goal("token auth (" + form[1] + ") costs Berth under 10% of its manifest "
          + "GET rate without auth", cost < 0.10, String.format(Locale.ROOT, "%.0f vs %.0f req/s:"
              + " costs %.1f%% (registry:2: %.1f%%)", withAuth.berthMedian(),
              noAuth.berthMedian(), 100 * cost,
              100 * (1 - withAuth.registry2Median() / noAuth.registry2Median()))));
    }
    Row push = bench.rows.get("push.1");
    Double sha = bench.limits.get("sha256_java_MBps");
    if (push != null && sha != null && !Double.isNaN(push.berthMedian())) {
      double share = push.berthMedian() / sha;
      goals.add(new Goal("blob push reaches 70% of the SHA-256 limit", share >= 0.7,
          String.format(Locale.ROOT, "%.0f MB/s is %.0f%% of Java's %.0f MB/s (%.0f%% of "
              + "openssl's %.0f MB/s)", push.berthMedian(), 100 * share, sha,
              100 * push.berthMedian()
                  / bench.limits.getOrDefault("sha256_openssl_MBps", Double.NaN),
              bench.limits.getOrDefault("sha256_openssl_MBps", Double.NaN))));
    }
    Row small = bench.rows.get("referrers." + config.referrers[0]);
    Row large = bench.rows.get("referrers." + config.referrers[config.referrers.length - 1]);
    if (small != null && large != null && !Double.isNaN(small.berthMedian())) {
      double factor = large.berthMedian() / small.berthMedian();
      goals.add(new Goal(String.format(Locale.ROOT, "referrers first page within 2x between %,d "
          + "and %,d referrers", config.referrers[0],
          config.referrers[config.referrers.length - 1]),
          factor <= 2.0, String.format(Locale.ROOT, "%.2f ms vs %.2f ms: %.2fx%s",
              small.berthMedian(), large.berthMedian(), factor, fullPages(large))));
    }
    Row rss = bench.rows.get("memory.rss");
    if (rss != null && !Double.isNaN(rss.berthMedian())) {
      goals.add(new Goal("Berth resident memory after the load at most 256 MiB (bin/berth)",
          rss.berthMedian() <= 256, String.format(Locale.ROOT, "%.0f MiB", rss.berthMedian())));
    }
    startupGoal(goals, "startup.embedded", "embedded start-up, first in a JVM, under 300 ms", 300,
        bench.bareJettyFirstMs);
    startupGoal(goals, "startup.embedded.second", "embedded start-up, second in a JVM, under 20 ms",
        20, bench.bareJettySecondMs);
    startupGoal(goals, "startup.jar", "java -jar start-up under 800 ms", 800, Double.NaN);
    return goals;
  }

  /** {@code bareJettyMs}: a bare Jetty server's same start-up, printed beside; NaN for none. */
  void startupGoal(List<Goal> goals, String row, String name, double limitMs, double bareJettyMs) {
    Row r = bench.rows.get(row);
    if (r != null && !Double.isNaN(r.berthMedian())) {
      String jetty = Double.isNaN(bareJettyMs) ? ""
          : String.format(Locale.ROOT, " (a bare Jetty 12 servlet server, same rounds: %.1f ms)",
              bareJettyMs);
      goals.add(new Goal(name, r.berthMedian() < limitMs,
          String.format(Locale.ROOT, "%.1f ms", r.berthMedian()) + jetty));
    }
  }

  /**
   * The smallest subject's first page holds fewer entries than a full page; between the smallest
   * subject with a full first page and the largest, the page sizes are equal.
   */
  String fullPages(Row large) {
    for (int count : config.referrers) {
      Row r = bench.rows.get("referrers." + count);
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
    j.append("  \"started\": ").append(quote(bench.started)).append(",\n");
    j.append("  \"mode\": ").append(quote(config.quick ? "quick" : "full")).append(",\n");
    j.append("  \"rounds\": ").append(config.rounds).append(",\n");
    j.append("  \"machine\": {\"cores\": ").append(Runtime.getRuntime().availableProcessors())
        .append(", \"memory_mib\": ").append(Util.memTotalMiB()).append(", \"load_average_end\": ")
        .append(quote(Util.loadAverage())).append("},\n");
    j.append("  \"registry2\": ").append(quote(registry2Version())).append(",\n");
    j.append("  \"limits\": {");
    String sep = "";
    for (Map.Entry<String, Double> e : bench.limits.entrySet()) {
      j.append(sep).append("\n    ").append(quote(e.getKey())).append(": ")
          .append(num(e.getValue()));
      sep = ",";
    }
    j.append("\n  },\n  \"rows\": [");
    sep = "";
    for (Row r : bench.rows.values()) {
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
    j.append("\n  ],\n  \"flush_cost\": [");
    sep = "";
    for (Map.Entry<Row, Row> e : bench.flushPairs.entrySet()) {
      j.append(sep).append("\n    {\"fsync_on\": ").append(quote(e.getKey().id))
          .append(", \"fsync_off\": ").append(quote(e.getValue().id))
          .append(", \"berth_on\": ").append(num(e.getKey().berthMedian()))
          .append(", \"berth_off\": ").append(num(e.getValue().berthMedian()))
          .append(", \"speed_kept\": ").append(num(keptValue(e))).append("}");
      sep = ",";
    }
    j.append("\n  ],\n  \"targets\": [");
    sep = "";
    for (Goal g : goals) {
      j.append(sep).append("\n    {\"target\": ").append(quote(g.name())).append(", \"met\": ")
          .append(g.met).append(", \"detail\": ").append(quote(g.detail)).append("}");
      sep = ",";
    }
    j.append("\n  ],\n  \"notes\": [");
    sep = "";
    for (String n : bench.info) {
      j.append(sep).append("\n    ").append(quote(n));
      sep = ",";
    }
    j.append("\n  ],\n  \"failures\": [");
    sep = "";
    for (String f : bench.failures) {
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
      String v = Processes.exec(List.of("docker-registry", "--version"), null).output().trim();
      Matcher m = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\S*)").matcher(v);
      return m.find() ? m.group(1) : v;
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }
}
