import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The test-suite case of the start-up rows, in a fresh JVM whose class path is what
 * {@code berth-junit5} brings (no logging binding): the time from just before
 * {@code BerthServer.startInMemory()} to the first {@code 200} on {@code /v2/}, read with a plain
 * socket so that no HTTP client's class loading is counted; then a second start in the same JVM
 * (a test suite's next registry: from its start to its first 200; its {@code close()} is timed
 * apart, {@code second_close_ms}) and, measured last so that it costs nothing before, the time from
 * JVM start to the first 200.
 *
 * <p>{@code --jetty}: the same three numbers for the floor under Berth's HTTP layer, a bare Jetty
 * 12 servlet server on the same class path (one servlet answering {@code {}} on every path, built
 * with the thread pool Berth uses), so that a start-up row can be read against what Jetty itself
 * costs on this machine in the same run.
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
    boolean jetty = args.length > 0 && args[0].equals("--jetty");
    long t0 = System.nanoTime();
    try (AutoCloseable first = jetty ? bareJetty() : BerthServer.startInMemory()) {
      awaitOk(port(first));
      long t1 = System.nanoTime();
      long readyWall = System.currentTimeMillis();
      long t2 = System.nanoTime();
      AutoCloseable second = jetty ? bareJetty() : BerthServer.startInMemory();
      awaitOk(port(second));
      long t3 = System.nanoTime();
      second.close();
      long t4 = System.nanoTime();
      long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
      System.out.printf("cold_ms=%.3f warm_ms=%.3f second_close_ms=%.3f jvm_to_ready_ms=%d%n",
          (t1 - t0) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, readyWall - jvmStart);
    }
  }

  static int port(AutoCloseable server) {
    return server instanceof BerthServer b ? b.port()
        : ((ServerConnector) ((BareJetty) server).server.getConnectors()[0]).getLocalPort();
  }

  /** A started bare Jetty servlet server on a free loopback port. */
  static BareJetty bareJetty() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(200, 4, 60_000, new LinkedBlockingQueue<>());
    threads.setDaemon(true);
    Server server = new Server(threads);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("application/json");
        resp.getWriter().write("{}");
      }
    }), "/*");
    server.setHandler(context);
    server.start();
    return new BareJetty(server);
  }

  record BareJetty(Server server) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      server.stop();
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
