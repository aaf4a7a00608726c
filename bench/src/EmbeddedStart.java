import dev.berth.jetty.BerthServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The test-suite case of row 8: in a fresh JVM, the time from just before
 * {@code BerthServer.startInMemory()} to the first {@code 200} on {@code /v2/}, read with a plain
 * socket so that no HTTP client's class loading is counted. Then a second start in the same JVM
 * (a test suite's second registry) and, measured last so that it costs nothing before, the time from
 * JVM start to the first 200.
 *
 * <p>Run by bench/run as {@code java -cp classes:berth.jar EmbeddedStart}; prints one line of
 * {@code key=value} pairs.
 */
public final class EmbeddedStart {
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    try (BerthServer first = BerthServer.startInMemory()) {
      awaitOk(first.port());
      long t1 = System.nanoTime();
      long readyWall = System.currentTimeMillis();
      long t2 = System.nanoTime();
      try (BerthServer second = BerthServer.startInMemory()) {
        awaitOk(second.port());
      }
      long t3 = System.nanoTime();
      long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
      System.out.printf("cold_ms=%.3f warm_ms=%.3f jvm_to_ready_ms=%d%n", (t1 - t0) / 1e6,
          (t3 - t2) / 1e6, readyWall - jvmStart);
    }
  }

  static void awaitOk(int port) throws Exception {
    byte[] request = ("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder status = new StringBuilder();
      for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
        status.append((char) c);
      }
      if (!status.toString().contains(" 200")) {
        throw new IllegalStateException("GET /v2/ answered " + status);
      }
    }
  }
}
