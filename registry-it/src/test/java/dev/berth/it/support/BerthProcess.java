package dev.berth.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged launcher, {@code java [jvm args] -jar berth.jar serve --port 0 ...}, as a process:
 * started, its announced port read from its output, stopped or killed.
 */
public final class BerthProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on (https?://\\S+/)");

  private final Process process;
  private final StringBuffer output;
  private final URI url;
  private final Thread reader;

  private BerthProcess(Process process, URI url, StringBuffer output, Thread reader) {
    this.process = process;
    this.url = url;
    this.output = output;
    this.reader = reader;
  }

  /** The fat jar the build produced. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("berth.jar",
        "../registry-jetty-launcher/target/berth.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no launcher jar at " + jar.toAbsolutePath()
          + ": run the tests with 'mvn verify' from the repository root");
    }
    return jar;
  }

  /** Starts {@code serve --port 0} plus {@code args}, with {@code jvmArgs} before {@code -jar}. */
  public static BerthProcess start(List<String> jvmArgs, String... args) throws IOException {
    List<String> serve = new ArrayList<>(List.of("serve", "--port", "0", "--host", "127.0.0.1"));
    serve.addAll(List.of(args));
    return launch(jvmArgs, serve.toArray(String[]::new));
  }

  /**
   * Runs {@code java [jvmArgs] -jar berth.jar args...} exactly as given (no port or host added,
   * e.g. to test a {@code --config} file that sets them) and waits for it to announce its URL.
   */
  public static BerthProcess launch(List<String> jvmArgs, String... args) throws IOException {
    return launch(jvmArgs, Map.of(), args);
  }

  /**
   * The same, with {@code environment} added to an environment cleared of {@code BERTH_*} and
   * {@code REGISTRY_*} variables (the launcher reads both; a test says which it means).
   */
  public static BerthProcess launch(List<String> jvmArgs, Map<String, String> environment,
      String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return launchCommand(command, environment);
  }

  /**
   * Runs {@code command} as given, one that ends in executing the launcher (a wrapper such as
   * {@code unshare ... sh -c '... exec java -jar berth.jar serve ...'}), and waits for it to
   * announce its URL.
   */
  public static BerthProcess launchCommand(List<String> command) throws IOException {
    return launchCommand(command, Map.of());
  }

  private static BerthProcess launchCommand(List<String> command,
      Map<String, String> environment) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    environment(builder, environment);
    Process p = builder.start();
    StringBuffer out = new StringBuffer();
    CompletableFuture<URI> announced = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          out.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            announced.complete(reachable(URI.create(m.group(1))));
          }
        }
      } catch (IOException ignored) {
        // The process ended.
      }
      announced.completeExceptionally(new IllegalStateException("berth exited before listening:\n"
          + out));
    }, "berth-process-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new BerthProcess(p, announced.get(60, TimeUnit.SECONDS), out, reader);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("berth did not start: " + e.getMessage() + "\n" + out, e);
    }
  }

  public static BerthProcess start(String... args) throws IOException {
    return start(List.of(), args);
  }

  /** A URL to reach a wildcard address at ({@code http://[::]:5000/} on 127.0.0.1). */
  private static URI reachable(URI announced) {
    String host = announced.getHost();
    if (host.equals("[::]") || host.equals("0.0.0.0")) {
      return URI.create(announced.toString().replace("//" + host + ":", "//127.0.0.1:"));
    }
    return announced;
  }

  private static void environment(ProcessBuilder builder, Map<String, String> environment) {
    builder.environment().keySet().removeIf(k -> k.startsWith("BERTH_")
        || k.startsWith("REGISTRY_"));
    builder.environment().putAll(environment);
  }
  /**
   * Runs a command that exits ({@code --help}, {@code gc}, {@code reindex}, a bad flag):
   * {@code java -jar berth.jar args...}, a minute at most, and returns what happened.
   */
  public static Programs.Result run(String... args) {
    return run(Map.of(), args);
  }

  /** The same, with {@code environment} as {@link #launch(List, Map, String...)} sets it. */
  public static Programs.Result run(Map<String, String> environment, String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    environment(builder, environment);
    try {
      Path log = Files.createTempFile("berth-run", ".log");
      builder.redirectOutput(log.toFile());
      Process p = builder.start();
      boolean finished = Programs.awaitOrKill(p, Duration.ofSeconds(60));
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      return new Programs.Result(command, finished ? p.exitValue() : -1,
          finished ? output : output + "\n[timed out after 60 s]");
    } catch (IOException e) {
      return new Programs.Result(command, -2, "could not start: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The {@code java} of the JVM running the tests, which also runs the launcher. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Everything the process printed so far (the reader thread keeps appending). */
  public String output() {
    return output.toString();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234/}. */
  public URI url() {
    return url;
  }

  public String authority() {
    return url.getAuthority();
  }

  /** The process id: the launcher's own when the wrappers before it {@code exec}. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook runs, as in a crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then waits for the exit. */
  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /**
   * SIGTERM (as a supervisor stops a service), without waiting. Sent through the process handle:
   * {@code Process.destroy()} would also close the pipes, losing what Berth prints as it stops.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /**
   * SIGTERM, then waits (30 s; then SIGKILL) for the exit.
   *
   * @return the exit code (0 for a graceful stop)
   */
  public int stop() throws InterruptedException {
    terminate();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(10_000);
    return process.exitValue();
  }

  /** Waits up to {@code timeout} for the process to end; its exit code, or -1 if it runs on. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return -1;
    }
    reader.join(10_000);
    return process.exitValue();
  }

  public Duration uptime() {
    return process.info().startInstant().map(s -> Duration.between(s, java.time.Instant.now()))
        .orElse(Duration.ZERO);
  }
}
