import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The load generators and what their output says: {@code wrk} for GET rates, p99 and concurrent
 * pulls; {@code ab} for HEAD rates, because wrk 4.1 (and h2load over HTTP/1.1) waits for a body
 * after a HEAD response and stalls.
 */
final class LoadTools {
  private LoadTools() {}

  record Wrk(double requestsPerSecond, double bytesPerSecond, double p99Millis, String output) {}

  static Wrk wrk(String url, int connections, int seconds, String... headers) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds
        + "s", "--latency", "--timeout", "60s"));
    for (String h : headers) {
      cmd.add("-H");
      cmd.add(h);
    }
    cmd.add(url);
    String out = Processes.exec(cmd, null).output();
    Matcher rps = Pattern.compile("Requests/sec:\\s+([\\d.]+)").matcher(out);
    Matcher tps = Pattern.compile("Transfer/sec:\\s+([\\d.]+)([KMGT]?B)").matcher(out);
    Matcher p99 = Pattern.compile("(?m)^\\s+99%\\s+([\\d.]+)(us|ms|s|m)\\s*$").matcher(out);
    if (!rps.find() || !tps.find()) {
      throw new IllegalStateException("cannot read wrk output: " + out);
    }
    Matcher errors = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
    if (errors.find()) {
      throw new IllegalStateException(url + ": " + errors.group(1) + " non-2xx responses");
    }
    double bytes = Double.parseDouble(tps.group(1)) * switch (tps.group(2)) {
      case "KB" -> 1024.0;
      case "MB" -> 1024.0 * 1024;
      case "GB" -> 1024.0 * 1024 * 1024;
      case "TB" -> 1024.0 * 1024 * 1024 * 1024;
      default -> 1.0;
    };
    double p = Double.NaN;
    if (p99.find()) {
      p = Double.parseDouble(p99.group(1)) * switch (p99.group(2)) {
        case "us" -> 0.001;
        case "ms" -> 1.0;
        case "s" -> 1000.0;
        default -> 60_000.0;
      };
    }
    return new Wrk(Double.parseDouble(rps.group(1)), bytes, p, out);
  }

  record Ab(double requestsPerSecond, double p99Millis) {}

  static Ab abHead(String url, int connections, int seconds, String header) throws Exception {
    String out = Processes.exec(List.of("ab", "-q", "-k", "-i", "-r", "-c",
        String.valueOf(connections), "-t", String.valueOf(seconds), "-n", "100000000", "-H",
        header, url), null).output();
    Matcher rps = Pattern.compile("Requests per second:\\s+([\\d.]+)").matcher(out);
    Matcher p99 = Pattern.compile("(?m)^\\s+99%\\s+(\\d+)").matcher(out);
    Matcher non2xx = Pattern.compile("Non-2xx responses:\\s+(\\d+)").matcher(out);
    if (!rps.find()) {
      throw new IllegalStateException("cannot read ab output: " + out);
    }
    if (non2xx.find()) {
      throw new IllegalStateException(url + ": " + non2xx.group(1) + " non-2xx responses");
    }
    return new Ab(Double.parseDouble(rps.group(1)),
        p99.find() ? Double.parseDouble(p99.group(1)) : Double.NaN);
  }
}
