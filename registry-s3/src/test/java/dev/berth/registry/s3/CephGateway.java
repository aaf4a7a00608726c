package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The single-node Ceph RADOS Gateway of {@code scripts/ceph-rgw}, shared by every test of this
 * JVM: a running one is reused (and left running); one this JVM started is stopped when the JVM
 * exits. Without Ceph's Debian packages the calling test is skipped, or fails when
 * {@code BERTH_REQUIRE_PROGRAMS=1} (as under {@code scripts/test} and CI) says nothing may skip.
 */
final class CephGateway {
  /** {@code scripts/ceph-rgw} exits with this code when packages are missing. */
  private static final int MISSING_PACKAGES = 3;
  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  private static S3Server server;
  private static String unavailable;

  private CephGateway() {}

  /** The gateway, started if need be; skips or fails the calling test when it cannot run. */
  static synchronized S3Server server() {
    if (server == null && unavailable == null) {
      start();
    }
    if (unavailable != null) {
      if ("1".equals(System.getenv("BERTH_REQUIRE_PROGRAMS"))) {
        fail(unavailable + ", and BERTH_REQUIRE_PROGRAMS=1 says that this run must not skip");
      }
      assumeTrue(false, unavailable);
    }
    return server;
  }

  /** Runs radosgw-admin on the gateway (quotas, say); fails the test when it fails. */
  static synchronized String admin(String... args) {
    String[] command = new String[args.length + 1];
    command[0] = "admin";
    System.arraycopy(args, 0, command, 1, args.length);
    Result result = run(script(), command);
    if (result.exitCode != 0) {
      fail("scripts/ceph-rgw admin " + String.join(" ", args) + " failed (exit "
          + result.exitCode + "):\n" + result.output);
    }
    return result.output;
  }

  private static void start() {
    Path script = script();
    Result running = run(script, "env");
    if (running.exitCode == 0) {
      server = parse(running.output);
      return;
    }
    Result started = run(script, "start");
    if (started.exitCode == MISSING_PACKAGES) {
      unavailable = "Ceph is not installed (" + started.output.strip()
          + "); scripts/test (.ci/run) installs it";
      return;
    }
    if (started.exitCode != 0) {
      fail("scripts/ceph-rgw start failed (exit " + started.exitCode + "):\n" + started.output);
    }
    server = parse(started.output);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> run(script, "stop"),
        "stop-ceph-rgw"));
  }

  private static S3Server parse(String output) {
    Map<String, String> env = new HashMap<>();
    for (String line : output.split("\n")) {
      int eq = line.indexOf('=');
      if (line.startsWith("BERTH_S3_") && eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1).strip());
      }
    }
    for (String name : List.of("BERTH_S3_ENDPOINT", "BERTH_S3_ACCESS_KEY", "BERTH_S3_SECRET_KEY",
        "BERTH_S3_BUCKET", "BERTH_S3_REGION")) {
      if (!env.containsKey(name)) {
        fail("scripts/ceph-rgw printed no " + name + ":\n" + output);
      }
    }
    return new S3Server("Ceph RGW", URI.create(env.get("BERTH_S3_ENDPOINT")),
        env.get("BERTH_S3_ACCESS_KEY"), env.get("BERTH_S3_SECRET_KEY"), env.get("BERTH_S3_BUCKET"),
        env.get("BERTH_S3_REGION"));
  }

  /** scripts/ceph-rgw of this checkout: tests run in the module's folder. */
  private static Path script() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("scripts/ceph-rgw");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no scripts/ceph-rgw above " + Path.of("").toAbsolutePath());
  }

  private record Result(int exitCode, String output) {}

  private static Result run(Path script, String... command) {
    List<String> argv = new java.util.ArrayList<>(List.of(script.toString()));
    argv.addAll(List.of(command));
    try {
      Path log = Files.createTempFile("ceph-rgw-" + command[0], ".log");
      try {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
            .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(-1, "timed out after " + START_TIMEOUT + ":\n" + Files.readString(log,
              StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      return new Result(-1, "cannot run " + script + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted while running " + script);
    }
  }
}
