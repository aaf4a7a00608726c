import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row 9: each server's resident memory after the HTTP rows, and Berth's Java heap. Berth runs as
 * the README starts it ({@code bin/berth}); the target is 256 MiB.
 */
final class Memory {
  final Bench bench;
  final Config config;

  Memory(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  void measure() throws Exception {
    if (!config.wants("memory")) {
      return;
    }
    Bench.log("== resident memory after the load");
    Row rss = bench.row("memory.rss", "resident memory after the load (VmRSS)", "MiB", false);
    Map<String, Long> b = procStatus(bench.berth.process().pid());
    Map<String, Long> r = procStatus(bench.registry2.process().pid());
    rss.berth.add(b.getOrDefault("VmRSS", -1L) / 1024.0);
    rss.registry2.add(r.getOrDefault("VmRSS", -1L) / 1024.0);
    rss.addNote(String.format(Locale.ROOT, "one sample after all HTTP rows; peak (VmHWM) "
        + "Berth %.0f MiB, registry:2 %.0f MiB; Berth started as the README says (bin/berth and"
        + " its JVM options%s)", b.getOrDefault("VmHWM", -1L) / 1024.0,
        r.getOrDefault("VmHWM", -1L) / 1024.0, config.berthJavaOpts.isEmpty() ? ""
            : ", JAVA_OPTS=" + String.join(" ", config.berthJavaOpts)));
    // With --berth-java-opts -XX:NativeMemoryTracking=summary: where the memory beside the heap is.
    Processes.ExecResult nmt = Processes.exec(List.of("jcmd",
        String.valueOf(bench.berth.process().pid()), "VM.native_memory", "summary"), null);
    if (nmt.output().contains("Native Memory Tracking")) {
      Files.writeString(config.results.resolve("berth-native-memory.txt"), nmt.output());
      rss.addNote("native memory by category (committed): in berth-native-memory.txt");
    }
    Processes.ExecResult heap = Processes.exec(List.of("jcmd",
        String.valueOf(bench.berth.process().pid()), "GC.heap_info"), null);
    Files.writeString(config.results.resolve("berth-heap-info.txt"), heap.output());
    Matcher used = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(heap.output());
    if (used.find()) {
      rss.addNote(String.format(Locale.ROOT, "Berth's Java heap: %.0f MiB committed, %.0f MiB "
          + "used (jcmd GC.heap_info, in berth-heap-info.txt)", Long.parseLong(used.group(1))
          / 1024.0, Long.parseLong(used.group(2)) / 1024.0));
    }
  }

  static Map<String, Long> procStatus(long pid) throws IOException {
    Map<String, Long> values = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      Matcher m = Pattern.compile("^(Vm\\w+):\\s+(\\d+) kB").matcher(line);
      if (m.find()) {
        values.put(m.group(1), Long.parseLong(m.group(2)));
      }
    }
    return values;
  }
}
