import java.util.List;

/**
 * Row 3: manifest GET and HEAD by tag under load, {@code wrk} for GET and {@code ab} for HEAD (see
 * {@link LoadTools} for why).
 */
final class Manifests {
  final Bench bench;
  final Config config;

  Manifests(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  void measure() throws Exception {
    if (!config.wants("manifests")) {
      return;
    }
    Row getRps = bench.row("manifest.get.rps", "manifest GET by tag, " + config.connections
        + " connections (wrk)", "req/s", true);
    Row getP99 = bench.row("manifest.get.p99", "manifest GET by tag, p99 latency (wrk)", "ms",
        false);
    Row headRps = bench.row("manifest.head.rps", "manifest HEAD by tag, " + config.connections
        + " connections (ab)", "req/s", true);
    Row headP99 = bench.row("manifest.head.p99", "manifest HEAD by tag, p99 latency (ab)", "ms",
        false);
    String path = "/v2/bench/app/manifests/latest";
    String accept = "Accept: " + DataSets.OCI_MANIFEST;
    bench.alternate("manifest GET by tag", List.of(getRps, getP99), true, (t, round) -> {
      LoadTools.Wrk w = LoadTools.wrk(t.base() + path, config.connections,
          round < 0 ? 1 : config.loadSeconds, accept);
      return new double[] {w.requestsPerSecond(), w.p99Millis()};
    });
    bench.alternate("manifest HEAD by tag", List.of(headRps, headP99), true, (t, round) -> {
      LoadTools.Ab a = LoadTools.abHead(t.base() + path, config.connections,
          round < 0 ? 1 : config.loadSeconds, accept);
      return new double[] {a.requestsPerSecond(), a.p99Millis()};
    });
  }
}
