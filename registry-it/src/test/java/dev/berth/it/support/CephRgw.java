package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Ceph RADOS Gateway of {@code scripts/ceph-rgw} for process-level tests: a running one is
 * reused and left running; one this JVM started is stopped when the JVM exits. Without Ceph's
 * Debian packages the test is skipped, or fails under {@code BERTH_REQUIRE_PROGRAMS=1}.
 *
 * @param endpoint the gateway's URL, {@code http://127.0.0.1:PORT}
 * @param bucket a bucket that exists
 */
public record CephRgw(String endpoint, String accessKey, String secretKey, String bucket,
    String region) {
  /** {@code scripts/ceph-rgw} exits with this code when packages are missing. */
  private static final int MISSING_PACKAGES = 3;

  private static CephRgw running;
  private static String unavailable;

  /** The gateway, started if need be; skips or fails the calling test when it cannot run. */
  public static synchronized CephRgw get() {
    if (running == null && unavailable == null) {
      start();
    }
    if (unavailable != null) {
      if ("1".equals(System.getenv("BERTH_REQUIRE_PROGRAMS"))) {
        fail(unavailable + ", and BERTH_REQUIRE_PROGRAMS=1 says that this run must not skip");
      }
      assumeTrue(false, unavailable);
    }
    return running;
  }

  /** The launcher's flags for this gateway and bucket, under {@code rootPrefix}. */
  public List<String> flags(String rootPrefix) {
    return List.of("--s3-endpoint", endpoint, "--s3-bucket", bucket, "--s3-region", region,
        "--s3-access-key", accessKey, "--s3-secret-key", secretKey, "--s3-root-prefix",
        rootPrefix);
  }

  private static void start() {
    Path script = script();
    Programs.Result env = Programs.run(null, null, Duration.ofMinutes(1), script.toString(),
        "env");
    if (env.exitCode() == 0) {
      running = parse(env.output());
      return;
    }
    Programs.Result started = Programs.run(null, null, Duration.ofMinutes(4),
        script.toString(), "start");
    if (started.exitCode() == MISSING_PACKAGES) {
      unavailable = "Ceph is not installed (" + started.output().strip()
          + "); scripts/test (.ci/run) installs it";
      return;
    }
    if (started.exitCode() != 0) {
      fail("scripts/ceph-rgw start failed: " + started);
    }
    running = parse(started.output());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> Programs.run(null, null,
        Duration.ofMinutes(1), script.toString(), "stop"), "stop-ceph-rgw"));
  }

  private static CephRgw parse(String output) {
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
    return new CephRgw(env.get("BERTH_S3_ENDPOINT"), env.get("BERTH_S3_ACCESS_KEY"),
        env.get("BERTH_S3_SECRET_KEY"), env.get("BERTH_S3_BUCKET"), env.get("BERTH_S3_REGION"));
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

  /** No secret in test reports. */
  @Override
  public String toString() {
    return "Ceph RGW at " + endpoint + " bucket " + bucket;
  }
}
