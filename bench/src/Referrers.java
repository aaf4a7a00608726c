import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Row 6: the first page of referrers of subjects with few to very many referrers; on registry:2,
 * which has no referrers API, the {@code sha256-<hex>} fallback tag index a client reads instead.
 */
final class Referrers {
  final Bench bench;
  final Config config;

  Referrers(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  void measure() throws Exception {
    if (!config.wants("referrers")) {
      return;
    }
    List<Row> feeds = new ArrayList<>();
    for (int count : config.referrers) {
      feeds.add(bench.row("referrers." + count, String.format(Locale.ROOT,
          "referrers first page, %,d referrers (r2: GET sha256-<hex> index)", count), "ms", false));
    }
    // The first request for each subject after start: Berth loads the subject's index entries.
    for (int i = 0; i < config.referrers.length; i++) {
      double b = once(bench.berth, i);
      double r = once(bench.registry2, i);
      bench.info(String.format(Locale.ROOT, "referrers, %,d: the first request after start took "
          + "%.1f ms on Berth (it loads the subject's index entries from storage), %s on "
          + "registry:2", config.referrers[i], b,
          Double.isNaN(r) ? "an error" : Util.format(r) + " ms"));
      if (Double.isNaN(r)) {
        feeds.get(i).addNote(String.format(Locale.ROOT, "registry:2 cannot serve this fallback "
            + "index (%.1f MiB): %s; distribution reads no manifest above 4 MiB, so a client "
            + "cannot list these referrers through the tag schema at all",
            bench.seed.indexSizes().get(i) / (double) Bench.MiB, registry2Refusals.get(i)));
      }
    }
    bench.alternate("referrers first page", feeds, true, (t, round) -> {
      double[] values = new double[config.referrers.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = latency(t, i, round < 0 ? 1.0 : 1.5);
      }
      return values;
    });
    for (Row r : feeds) {
      r.addNote("Berth: GET /v2/<name>/referrers/<digest>, its first page (100 entries by "
          + "default); registry:2 has no referrers API, so a client GETs the whole fallback index");
    }
  }

  HttpRequest referrersRequest(Bench.Target t, int i) {
    String subject = bench.seed.subjects().get(i);
    String url = t.berth() ? t.base() + "/v2/bench/refs/referrers/" + subject
        : t.base() + "/v2/bench/refs/manifests/" + subject.replace(':', '-');
    return HttpRequest.newBuilder(URI.create(url)).header("Accept", DataSets.OCI_INDEX).GET()
        .build();
  }

  int expectedEntries(Bench.Target t, int i) {
    return t.berth() ? Math.min(100, config.referrers[i]) : config.referrers[i];
  }

  /** Why registry:2 refused a subject's fallback index, by subject. */
  final Map<Integer, String> registry2Refusals = new TreeMap<>();

  /** One GET, in ms; NaN when registry:2 refuses the fallback index. */
  double once(Bench.Target t, int i) throws Exception {
    HttpRequest request = referrersRequest(t, i);
    long start = System.nanoTime();
    HttpResponse<byte[]> response = bench.http.send(request,
        HttpResponse.BodyHandlers.ofByteArray());
    double ms = (System.nanoTime() - start) / 1e6;
    if (!t.berth() && response.statusCode() != 200) {
      String body = new String(response.body(), StandardCharsets.UTF_8).trim();
      registry2Refusals.put(i, "GET answers " + response.statusCode() + " "
          + body.substring(0, Math.min(160, body.length())));
      return Double.NaN;
    }
    checkReferrers(t, i, response);
    return ms;
  }

  void checkReferrers(Bench.Target t, int i, HttpResponse<byte[]> response) {
    Util.check(response.statusCode() == 200, t.name() + " " + response.uri() + " answered "
        + response.statusCode());
    String body = new String(response.body(), StandardCharsets.UTF_8);
    int entries = 0;
    for (int at = body.indexOf("\"digest\""); at >= 0; at = body.indexOf("\"digest\"", at + 1)) {
      entries++;
    }
    Util.check(entries == expectedEntries(t, i), t.name() + " listed " + entries + " referrers of "
        + config.referrers[i] + ", expected " + expectedEntries(t, i));
  }

  /** Sequential GETs for about {@code seconds} (at least 3): the median time of one, in ms. */
  double latency(Bench.Target t, int i, double seconds) throws Exception {
    if (!t.berth() && registry2Refusals.containsKey(i)) {
      return Double.NaN;
    }
    HttpRequest request = referrersRequest(t, i);
    List<Double> times = new ArrayList<>();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    HttpResponse<byte[]> last;
    do {
      long start = System.nanoTime();
      last = bench.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      times.add((System.nanoTime() - start) / 1e6);
    } while (times.size() < 3 || (System.nanoTime() < end && times.size() < 2000));
    checkReferrers(t, i, last);
    return Util.median(times);
  }
}
