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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged launcher, {@code java [jvm args] -jar berth.jar serve --port 0 ...}, as a process:
 * started, its announced port read from its output, stopped or killed.
 */
public final class BerthProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+/)");

  private final Process process;
  private final StringBuffer output;
  private final URI url;

  private BerthProcess(Process process, URI url, StringBuffer output) {
    this.process = process;
    this.url = url;
    this.output = output;
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
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    return launchCommand(command);
  }

  /**
   * Runs {@code command} as given, one that ends in executing the launcher (a wrapper such as
   * {@code unshare ... sh -c '... exec java -jar berth.jar serve ...'}), and waits for it to
   * announce its URL.
   */
  public static BerthProcess launchCommand(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuffer out = new StringBuffer();
    CompletableFuture<URI> announced = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          out.append(line).append('\n');
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            announced.complete(URI.create(m.group(1)));
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
      return new BerthProcess(p, announced.get(60, TimeUnit.SECONDS), out);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("berth did not start: " + e.getMessage() + "\n" + out, e);
    }
  }

  public static BerthProcess start(String... args) throws IOException {
    return start(List.of(), args);
  }

  /**
   * Runs a command that exits ({@code --help}, {@code gc}, {@code reindex}, a bad flag):
   * {@code java -jar berth.jar args...}, a minute at most, and returns what happened.
   */
  public static Programs.Result run(String... args) {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
    command.addAll(List.of(args));
    return Programs.run(null, null, Duration.ofSeconds(60), command.toArray(String[]::new));
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
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  public Duration uptime() {
    return process.info().startInstant().map(s -> Duration.between(s, java.time.Instant.now()))
        .orElse(Duration.ZERO);
  }
}
