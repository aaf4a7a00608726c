import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Processes: running a command to its end, starting Berth and registry:2, waiting until they
 * serve, stopping them, and the files and folders they work on.
 */
final class Processes {
  private Processes() {}

  record ExecResult(int code, String output, double seconds) {}

  /**
   * Runs a command to its end; its output (stdout and stderr) goes to {@code log} or is returned.
   */
  static ExecResult exec(List<String> command, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (log != null) {
      pb.redirectOutput(log.toFile());
    }
    long start = System.nanoTime();
    Process p = pb.start();
    String output = "";
    if (log == null) {
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    int code = p.waitFor();
    return new ExecResult(code, output, (System.nanoTime() - start) / 1e9);
  }

  static void stop(Process p) throws InterruptedException {
    if (p == null || !p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * registry:2's configuration for a directory: the Debian package's defaults (filesystem storage,
   * in-memory blob descriptor cache, deletes on) with logging turned down so that it does not skew
   * the numbers, and upload purging off (Berth's first purge is an hour after start).
   */
  static Path writeRegistry2Config(Path file, Path root, int port) throws IOException {
    String yaml = "version: 0.1\n"
        + "log:\n  level: error\n  accesslog:\n    disabled: true\n"
        + "storage:\n  cache:\n    blobdescriptor: inmemory\n"
        + "  filesystem:\n    rootdirectory: " + root.toAbsolutePath() + "\n"
        + "  delete:\n    enabled: true\n"
        + "  maintenance:\n    uploadpurging:\n      enabled: false\n"
        + "http:\n  addr: 127.0.0.1:" + port + "\n";
    Files.writeString(file, yaml);
    return file;
  }

  /** Polls GET /v2/ on a plain socket every millisecond until it answers 200. */
  static void awaitOk(int port, Process p, Duration timeout) throws Exception {
    awaitOk(port, p, timeout, null);
  }

  /** {@link #awaitOk(int, Process, Duration)} sending {@code header} (when not null). */
  static void awaitOk(int port, Process p, Duration timeout, String header) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] request = ("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
        + (header == null ? "" : header + "\r\n")
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    while (System.nanoTime() < deadline) {
      if (p != null && !p.isAlive()) {
        throw new IllegalStateException("server exited with " + p.exitValue()
            + " before it answered");
      }
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.getOutputStream().write(request);
        InputStream in = socket.getInputStream();
        StringBuilder status = new StringBuilder();
        for (int ch; (ch = in.read()) >= 0 && ch != '\n'; ) {
          status.append((char) ch);
        }
        if (status.toString().contains(" 200")) {
          return;
        }
      } catch (ConnectException notYet) {
        // Not listening yet.
      } catch (IOException closedEarly) {
        // Listening but not serving yet.
      }
      Thread.sleep(1);
    }
    throw new IllegalStateException("no 200 on port " + port + " within " + timeout);
  }

  /**
   * {@code bin/berth <args>}, Berth started as the README tells users to (the start script's JVM
   * options), with {@code --berth-java-opts} as its {@code JAVA_OPTS}. A {@code serve} runs with
   * its access log off, as registry:2 runs here ({@code accesslog: disabled}): Berth's is on by
   * default, and one JSON line per request is work that only one side of a row would do.
   */
  static ProcessBuilder binBerth(Config config, String... args) {
    List<String> cmd = new ArrayList<>(List.of(config.repo.resolve("bin/berth").toString()));
    cmd.addAll(List.of(args));
    if (args.length > 0 && args[0].equals("serve")) {
      cmd.add("--no-access-log");
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("JAVA_OPTS", String.join(" ", config.berthJavaOpts));
    return pb;
  }

  /** {@code java [--berth-java-opts] -jar berth.jar <args>}. */
  static List<String> javaBerth(Config config, String... args) {
    List<String> cmd = new ArrayList<>(List.of("java"));
    cmd.addAll(config.berthJavaOpts);
    cmd.add("-jar");
    cmd.add(config.jar.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  static void copyTree(Path from, Path to) throws Exception {
    deleteTree(to);
    ExecResult r = exec(List.of("cp", "-a", from.toString(), to.toString()), null);
    Util.check(r.code == 0, "cp -a " + from + " " + to + ": " + r.output);
  }

  /**
   * Moves the paths that exist into {@code trash} (a rename each, instant), to be deleted with the
   * work directory after the report: deleting the ~100,000 files and folders a write row stores
   * takes minutes on a disk mounted with {@code discard}, and the kept data set must be whole again
   * before anything else reads it.
   */
  static void discard(List<Path> paths, Path trash) throws IOException {
    Files.createDirectories(trash);
    for (Path p : paths) {
      if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.move(p, trash.resolve(String.valueOf(trashed.incrementAndGet())));
      }
    }
  }

  private static final java.util.concurrent.atomic.AtomicLong trashed =
      new java.util.concurrent.atomic.AtomicLong();

  static void deleteTree(Path dir) throws IOException, InterruptedException {
    if (Files.exists(dir)) {
      ExecResult r = exec(List.of("rm", "-rf", dir.toString()), null);
      if (r.code != 0) {
        throw new IOException("rm -rf " + dir + ": " + r.output);
      }
    }
  }
}
