import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's own ceilings, printed beside the rows: one core's SHA-256 (Java and openssl), the
 * disk past the page cache ({@code dd}) and one loopback TCP stream between two Java threads.
 */
final class Limits {
  final Bench bench;
  final Config config;

  Limits(Bench bench) {
    this.bench = bench;
    this.config = bench.config;
  }

  void measure() throws Exception {
    if (!config.wants("limits")) {
      return;
    }
    Bench.log("== limits of this machine");
    String openssl = Processes.exec(List.of("openssl", "speed", "-bytes", "1048576", "-evp",
        "sha256", "-seconds", String.valueOf(config.shaSeconds)), null).output();
    Matcher m = Pattern.compile("(?m)^sha256\\s+([\\d.]+)k\\s*$").matcher(openssl);
    if (m.find()) {
      bench.limits.put("sha256_openssl_MBps", Double.parseDouble(m.group(1)) * 1000 / 1e6);
    }
    bench.limits.put("sha256_java_MBps", javaSha256());
    Path dd = config.work.resolve("dd.bin");
    long count = config.bigBlob / Bench.MiB;
    String w = Processes.exec(List.of("dd", "if=/dev/zero", "of=" + dd, "bs=1M",
        "count=" + count, "oflag=direct", "conv=fsync"), null).output();
    bench.limits.put("disk_write_direct_MBps", ddRate(w));
    String r = Processes.exec(List.of("dd", "if=" + dd, "of=/dev/null", "bs=1M",
        "iflag=direct"), null).output();
    bench.limits.put("disk_read_direct_MBps", ddRate(r));
    Files.deleteIfExists(dd);
    bench.limits.put("loopback_MBps", loopback(config.loopbackBytes));
    bench.limits.forEach((k, v) -> Bench.log(String.format(Locale.ROOT, "  %-24s %10.0f", k, v)));
  }

  double javaSha256() throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[(int) Bench.MiB];
    new SplittableRandom(1).nextBytes(buffer);
    long end = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < end) {
      md.update(buffer);
    }
    md.digest();
    long bytes = 0;
    long start = System.nanoTime();
    end = start + config.shaSeconds * 1_000_000_000L;
    long now;
    while ((now = System.nanoTime()) < end) {
      md.update(buffer);
      bytes += buffer.length;
    }
    md.digest();
    return bytes / ((now - start) / 1e9) / 1e6;
  }

  static double ddRate(String output) {
    Matcher m = Pattern.compile("(\\d+) bytes .* copied, ([\\d.,]+) s").matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("cannot read dd output: " + output);
    }
    return Long.parseLong(m.group(1)) / Double.parseDouble(m.group(2).replace(',', '.')) / 1e6;
  }

  /** One TCP stream over 127.0.0.1 between two threads of this JVM, 256 KiB writes and reads. */
  static double loopback(long total) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicLong received = new AtomicLong();
      Thread reader = new Thread(() -> {
        try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
          byte[] buffer = new byte[256 * 1024];
          for (int n; (n = in.read(buffer)) > 0; ) {
            received.addAndGet(n);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      reader.start();
      byte[] buffer = new byte[256 * 1024];
      long start = System.nanoTime();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        OutputStream out = s.getOutputStream();
        for (long sent = 0; sent < total; sent += buffer.length) {
          out.write(buffer);
        }
        s.shutdownOutput();
        reader.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return received.get() / seconds / 1e6;
    }
  }
}
