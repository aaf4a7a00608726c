package dev.berth.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Distribution's {@code registry:2} (Debian {@code docker-registry}, 2.8.x) as a process, on a
 * filesystem root and a free loopback port: started, polled until {@code GET /v2/} answers 200,
 * stopped. Tests that use it call {@code Programs.require("docker-registry")} first.
 *
 * <p>The configuration is the smallest that registry:2 accepts, with deletes enabled (Berth's
 * default) so that both registries treat the same directory alike:
 *
 * <pre>
 * version: 0.1
 * log: {level: info, accesslog: {disabled: true}}
 * storage: {filesystem: {rootdirectory: DIR}, delete: {enabled: true}}
 * http: {addr: 127.0.0.1:PORT}
 * </pre>
 */
public final class DockerRegistryProcess implements AutoCloseable {

  public static final String PROGRAM = "docker-registry";

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final StringBuffer output;
  private final Path config;
  private final URI url;

  private DockerRegistryProcess(Process process, StringBuffer output, Path config, URI url) {
    this.process = process;
    this.output = output;
    this.config = config;
    this.url = url;
  }

  /**
   * What a test may add to the smallest configuration: the access log (one combined-format line
   * per request in {@link #output()}), htpasswd authentication, TLS.
   *
   * @param htpasswd a bcrypt htpasswd file, or null for no authentication
   * @param tlsCertificate a PEM certificate (chain) to serve https with, or null for http
   * @param tlsKey its PEM private key
   */
  public record Options(boolean accessLog, Path htpasswd, Path tlsCertificate, Path tlsKey,
      java.util.List<String> s3) {
    public static final Options DEFAULT = new Options(false, null, null, null, null);

    public Options withAccessLog() {
      return new Options(true, htpasswd, tlsCertificate, tlsKey, s3);
    }

    public Options withHtpasswd(Path file) {
      return new Options(accessLog, file, tlsCertificate, tlsKey, s3);
    }

    public Options withTls(Path certificate, Path key) {
      return new Options(accessLog, htpasswd, certificate, key, s3);
    }

    /**
     * Its {@code s3} driver on {@code ceph} under {@code rootdirectory: /prefix} instead of the
     * filesystem root (which then stays unused).
     */
    public Options withS3(CephRgw ceph, String prefix) {
      return new Options(accessLog, htpasswd, tlsCertificate, tlsKey, java.util.List.of(
          "  s3:",
          "    accesskey: " + ceph.accessKey(),
          "    secretkey: " + ceph.secretKey(),
          "    region: " + ceph.region(),
          "    regionendpoint: " + ceph.endpoint(),
          "    bucket: " + ceph.bucket(),
          "    rootdirectory: /" + prefix,
          "    forcepathstyle: true",
          "    secure: " + ceph.endpoint().startsWith("https:"),
          // Blob GETs served, not redirected to presigned URLs (the test compares bodies).
          "  redirect:",
          "    disable: true"));
    }
  }

  /**
   * Starts registry:2 on {@code root}, its config file written into {@code workDir} (kept apart
   * from the root, so that the root holds only what the registry wrote).
   */
  public static DockerRegistryProcess start(Path root, Path workDir) throws IOException {
    return start(root, workDir, Options.DEFAULT);
  }

  /** The same, with {@code options}. */
  public static DockerRegistryProcess start(Path root, Path workDir, Options options)
      throws IOException {
    IllegalStateException last = null;
    // A port found free may be taken before registry:2 binds it; then try another.
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort();
      Path config = writeConfig(root, workDir, port, options);
      ProcessBuilder builder = new ProcessBuilder(PROGRAM, "serve", config.toString())
          .redirectErrorStream(true);
      // registry:2's s3 driver fails when AWS_CA_BUNDLE names a file it cannot use.
      builder.environment().remove("AWS_CA_BUNDLE");
      Process p = builder.start();
      StringBuffer out = new StringBuffer();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            out.append(line).append('\n');
          }
        } catch (IOException ignored) {
          // The process ended.
        }
      }, "registry2-output");
      reader.setDaemon(true);
      reader.start();
      URI url = URI.create((options.tlsCertificate() == null ? "http" : "https")
          + "://127.0.0.1:" + port + "/");
      try {
        awaitReady(p, url, out);
        return new DockerRegistryProcess(p, out, config, url);
      } catch (IllegalStateException e) {
        p.destroyForcibly();
        last = new IllegalStateException(e.getMessage() + "\nregistry:2 output:\n" + out, e);
        if (!out.toString().contains("address already in use")) {
          throw last;
        }
      }
    }
    throw last;
  }

  /** The configuration file registry:2 runs with here (also what Berth is tested to start from). */
  public static Path writeConfig(Path root, Path workDir, int port) throws IOException {
    return writeConfig(root, workDir, port, Options.DEFAULT);
  }

  private static Path writeConfig(Path root, Path workDir, int port, Options options)
      throws IOException {
    Files.createDirectories(workDir);
    Path config = workDir.resolve("registry2-config.yml");
    java.util.List<String> lines = new java.util.ArrayList<>(java.util.List.of(
        "version: 0.1",
        "log:",
        "  level: info",
        "  accesslog:",
        "    disabled: " + !options.accessLog(),
        "storage:"));
    if (options.s3() != null) {
      lines.addAll(options.s3());
    } else {
      lines.addAll(java.util.List.of("  filesystem:",
          "    rootdirectory: " + root.toAbsolutePath()));
    }
    lines.addAll(java.util.List.of(
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:" + port));
    if (options.tlsCertificate() != null) {
      lines.addAll(java.util.List.of("  tls:",
          "    certificate: " + options.tlsCertificate().toAbsolutePath(),
          "    key: " + options.tlsKey().toAbsolutePath()));
    }
    if (options.htpasswd() != null) {
      lines.addAll(java.util.List.of("auth:", "  htpasswd:", "    realm: berth-test",
          "    path: " + options.htpasswd().toAbsolutePath()));
    }
    lines.add("");
    Files.writeString(config, String.join("\n", lines), StandardCharsets.UTF_8);
    return config;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Polls until registry:2 answers {@code GET /v2/} (200, or 401 when it asks for credentials);
   * over https, whose certificate this probe does not trust, until it logs that it listens.
   */
  private static void awaitReady(Process p, URI url, StringBuffer out) {
    Instant deadline = Instant.now().plusSeconds(30);
    HttpRequest probe = HttpRequest.newBuilder(url.resolve("v2/"))
        .timeout(Duration.ofSeconds(2)).GET().build();
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) {
        throw new IllegalStateException("registry:2 exited with " + p.exitValue()
            + " before answering on " + url);
      }
      if ("https".equals(url.getScheme()) ? out.toString().contains("listening on")
          : answers(probe)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("registry:2 did not answer GET /v2/ with 200 within 30 s on "
        + url);
  }

  private static boolean answers(HttpRequest probe) {
    try {
      int status = HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status == 200 || status == 401;
    } catch (IOException notYet) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The base URL, e.g. {@code http://127.0.0.1:41234/}. */
  public URI url() {
    return url;
  }

  /** Everything registry:2 logged so far. */
  public String output() {
    return output.toString();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The configuration file this registry runs with (also what {@code garbage-collect} reads). */
  public Path config() {
    return config;
  }

  /**
   * Runs {@code docker-registry garbage-collect [--dry-run] [--delete-untagged] CONFIG} on this
   * registry's root and returns what it printed; fails the test with that output unless it exits 0.
   * registry:2 expects no writes while it runs: stop the server first when not dry-running.
   */
  public String garbageCollect(boolean dryRun, boolean deleteUntagged) {
    return garbageCollect(config, dryRun, deleteUntagged);
  }

  /** The same, for a root that no registry:2 serves now: only a config file is written. */
  public static String garbageCollect(Path root, Path workDir, boolean dryRun,
      boolean deleteUntagged) throws IOException {
    return garbageCollect(writeConfig(root, workDir, freePort()), dryRun, deleteUntagged);
  }

  private static String garbageCollect(Path config, boolean dryRun, boolean deleteUntagged) {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(PROGRAM);
    command.add("garbage-collect");
    if (dryRun) {
      command.add("--dry-run");
    }
    if (deleteUntagged) {
      command.add("--delete-untagged");
    }
    command.add(config.toString());
    return Programs.check(null, null, Duration.ofMinutes(2), command.toArray(String[]::new))
        .output();
  }

  /** SIGTERM, then waits for the exit (registry:2 without a drain timeout exits at once). */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
