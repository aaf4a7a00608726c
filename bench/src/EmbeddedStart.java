import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The test-suite case of the start-up rows, in a fresh JVM whose class path is what
 * {@code berth-junit5} brings (no logging binding): the time from just before
 * {@code BerthServer.startInMemory()} to the first {@code 200} on {@code /v2/}, read with a plain
 * socket so that no HTTP client's class loading is counted; then a second start in the same JVM
 * (a test suite's next registry) and, measured last so that it costs nothing before, the time from
 * JVM start to the first 200.
 *
 * <p>{@code --stages}: the same first start taken apart, one stage after the other on one thread
 * (no warm-up thread): building the registry (with its start-time recovery), Jetty's start, the
 * first request; then what the recovery costs an empty in-memory registry once everything is
 * loaded.
 *
 * <p>Run by bench/run as {@code java -cp classes:embedded-lib/* EmbeddedStart}; prints one line of
 * {@code key=value} pairs.
 */
public final class EmbeddedStart {
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--stages")) {
      stages();
      return;
    }
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

  static void stages() throws Exception {
    long t0 = System.nanoTime();
    Registry registry = Registry.builder().inMemory().build();
    long t1 = System.nanoTime();
    BerthServer server = BerthServer.builder(registry).closeRegistry(true).start();
    long t2 = System.nanoTime();
    awaitOk(server.port());
    long t3 = System.nanoTime();
    server.close();
    // The start-time recovery of an empty in-memory registry, once its classes are loaded.
    int n = 200;
    long with = 0;
    long without = 0;
    for (int i = 0; i < n; i++) {
      long a = System.nanoTime();
      Registry.builder().inMemory().build().close();
      long b = System.nanoTime();
      Registry.builder().inMemory().recoverOnStart(false).build().close();
      long c = System.nanoTime();
      with += b - a;
      without += c - b;
    }
    System.out.printf("registry_ms=%.3f server_ms=%.3f first_request_ms=%.3f recovery_us=%.1f%n",
        (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (with - without) / 1e3 / n);
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
