import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows 4 and 5: walks of a repository's tag list and of the catalog, following {@code Link}
 * headers page by page.
 */
final class Listings {
  final Bench bench;
  final Config config;

  Listings(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  void measureTags() throws Exception {
    if (!config.wants("tags")) {
      return;
    }
    Row walk = bench.row("tags.walk", String.format(Locale.ROOT,
        "tag list of %,d tags, walked with n=%d", config.tags, config.tagPage), "ms", false);
    int[] pages = measureWalk(walk, "tag listing walk", "/v2/bench/tags/tags/list?n="
        + config.tagPage, "tags", config.tags);
    walk.addNote("pages: Berth " + pages[0] + ", registry:2 " + pages[1]
        + (pages[1] == 1 ? " (registry:2 2.8 ignores n on tags/list and sends all tags at once)"
        : ""));
  }

  void measureCatalog() throws Exception {
    if (!config.wants("catalog")) {
      return;
    }
    Row walk = bench.row("catalog.walk", String.format(Locale.ROOT,
        "catalog of %,d repositories, walked with n=%d", config.repos, config.catalogPage),
        "ms", false);
    int[] pages = measureWalk(walk, "catalog walk", "/v2/_catalog?n=" + config.catalogPage,
        "repositories", config.repos);
    walk.addNote("pages: Berth " + pages[0] + ", registry:2 " + pages[1]);
  }

  /**
   * Times {@code walkRepeats} walks from {@code first} per round on each registry, checking that
   * each lists {@code expected} items of {@code field}; returns the page counts (Berth,
   * registry:2). The unrecorded warm-up run walks for {@code walkWarmUpMillis}: a registry in
   * service has long since compiled its listing code, and a handful of walks would measure the
   * JIT rather than the registry (registry:2 is compiled ahead of time; both get the same warm-up).
   */
  int[] measureWalk(Row walk, String what, String first, String field, int expected)
      throws Exception {
    int[] pages = new int[2];
    bench.alternate(what, List.of(walk), true, (t, round) -> {
      if (round < 0) {
        long until = System.nanoTime() + config.walkWarmUpMillis * 1_000_000;
        while (System.nanoTime() < until) {
          walk(t.base(), first, field);
        }
      }
      double[] times = new double[config.walkRepeats];
      for (int i = 0; i < times.length; i++) {
        long start = System.nanoTime();
        Walk w = walk(t.base(), first, field);
        times[i] = (System.nanoTime() - start) / 1e6;
        Util.check(w.items == expected, t.name() + " listed " + w.items + " " + field + ", not "
            + expected);
        pages[t.berth() ? 0 : 1] = w.pages;
      }
      return new double[] {Util.median(times)};
    });
    return pages;
  }

  record Walk(int pages, int items) {}

  static final Pattern LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  /**
   * Follows {@code Link: <...>; rel="next"} from {@code first}; counts the array's strings. Uses
   * the JDK's synchronous {@code HttpURLConnection} (keep-alive): {@code java.net.http} costs about
   * 2 ms of client time per request on this machine, which a walk of 10 pages would charge 10 times
   * to the registry that honours {@code n} and once to the one that ignores it.
   */
  Walk walk(String base, String first, String field) throws Exception {
    String next = first;
    int pages = 0;
    int items = 0;
    while (next != null) {
      java.net.HttpURLConnection c = (java.net.HttpURLConnection)
          URI.create(base).resolve(next).toURL().openConnection();
      int status = c.getResponseCode();
      String body;
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Util.check(status == 200, "GET " + next + " answered " + status);
      pages++;
      int at = body.indexOf("\"" + field + "\"");
      int open = body.indexOf('[', at);
      int close = body.indexOf(']', open);
      int quotes = 0;
      for (int i = open; i < close; i++) {
        if (body.charAt(i) == '"') {
          quotes++;
        }
      }
      items += quotes / 2;
      String link = c.getHeaderField("Link");
      next = null;
      if (link != null) {
        Matcher m = LINK.matcher(link);
        if (m.find()) {
          next = m.group(1);
        }
      }
    }
    return new Walk(pages, items);
  }
}
