package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the launcher checks before it creates, indexes or binds anything, and how it says so: one
 * line per problem naming the key, the value, where it came from and the system's reason; exit 2
 * for a bad configuration, 1 for a failure while running. And gc/reindex, which read the same
 * configuration but refuse what does not apply to them.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LauncherStartChecksIT {

  @TempDir
  Path work;

  @Test
  void everyProblemIsOneLineAndNothingIsCreated() {
    Path storage = work.resolve("never-created");
    Programs.Result r = BerthProcess.run(Map.of("BERTH_HTTP_IDLE_TIMEOUT", "soon"), "serve",
        "--storage", storage.toString(), "--port", "65536", "--deletes-enabled=maybe",
        "--log-level", "loud");
    assertEquals(2, r.exitCode(), r::toString);
    assertTrue(r.output().contains("berth: http.port = '65536' (from --port): not a port"),
        r::toString);
    assertTrue(r.output().contains("berth: http.idleTimeout = 'soon' (from"
        + " BERTH_HTTP_IDLE_TIMEOUT): not a duration"), r::toString);
    assertTrue(r.output().contains("berth: deletes.enabled = 'maybe' (from --deletes-enabled):"
        + " expected true or false"), r::toString);
    assertTrue(r.output().contains("berth: log.level = 'loud' (from --log-level): not a log"
        + " level"), r::toString);
    assertTrue(r.output().contains("berth: 4 problems in the configuration; nothing was"
        + " started"), r::toString);
    assertFalse(Files.exists(storage), "the storage directory was created");
  }

  @Test
  void storageProblemsCarryTheSystemsReason() throws Exception {
    Path file = Files.writeString(work.resolve("a-file"), "x");
    Programs.Result underAFile = BerthProcess.run("serve", "--storage",
        file.resolve("data").toString(), "--port", "0");
    assertEquals(2, underAFile.exitCode(), underAFile::toString);
    assertTrue(underAFile.output().contains("berth: storage.path = '" + file.resolve("data")
        + "' (from --storage): cannot create it: " + file + ": not a directory"),
        underAFile::toString);

    Programs.Result aFile = BerthProcess.run("serve", "--storage", file.toString());
    assertEquals(2, aFile.exitCode(), aFile::toString);
    assertTrue(aFile.output().contains("(from --storage): not a directory"), aFile::toString);

    if (!"root".equals(System.getProperty("user.name"))) {
      Path locked = Files.createDirectory(work.resolve("locked"));
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
      Programs.Result denied = BerthProcess.run("serve", "--storage",
          locked.resolve("data").toString());
      assertEquals(2, denied.exitCode(), denied::toString);
      assertTrue(denied.output().contains("cannot create it in " + locked
          + ": permission denied"), denied::toString);
    }
  }

  @Test
  void anAddressInUseIsRefusedBeforeTheStorageIsTouched() throws Exception {
    Path storage = work.resolve("untouched");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Programs.Result r = BerthProcess.run("serve", "--host", "127.0.0.1", "--port",
          String.valueOf(taken.getLocalPort()), "--storage", storage.toString());
      assertEquals(2, r.exitCode(), r::toString);
      assertTrue(r.output().contains("berth: http.port = '" + taken.getLocalPort()
          + "' (from --port): cannot listen on 127.0.0.1:" + taken.getLocalPort()
          + ": address already in use"), r::toString);
    }
    assertFalse(Files.exists(storage), "the registry was built before the port was bound");
  }

  @Test
  void aFailureWhileStartingIsExitCodeOne() throws Exception {
    Path storage = Files.createDirectories(work.resolve("broken"));
    Files.writeString(storage.resolve("docker"), "a file where registry:2 keeps its folder");
    Programs.Result r = BerthProcess.run("serve", "--port", "0", "--storage",
        storage.toString());
    assertEquals(1, r.exitCode(), r::toString);
    assertTrue(r.output().contains("berth: failed: "), r::toString);
  }

  @Test
  void theAnnouncementNamesTheBoundAddressTheStorageAndWhatWasChanged() throws Exception {
    try (BerthProcess berth = BerthProcess.launch(List.of(), Map.of("BERTH_GC_INTERVAL", "6h"),
        "serve", "--host", "0.0.0.0", "--port", "0", "--storage", "memory")) {
      String out = berth.output();
      assertTrue(out.contains("berth: storage: memory"), out);
      assertTrue(out.contains("berth: settings not at their defaults: http.port=0 (--port),"
          + " storage.path=memory (--storage), gc.interval=6h (BERTH_GC_INTERVAL)"), out);
      // Java binds 0.0.0.0 to the dual-stack wildcard: say so rather than "127.0.0.1".
      assertTrue(out.matches("(?s).*listening on http://(\\[::]|0\\.0\\.0\\.0):\\d+/ \\(every"
          + " (IPv4 )?interface.*"), out);
      assertEquals(200, new RegistryClient(berth.url()).get("/v2/").status());
    }
    try (BerthProcess berth = BerthProcess.start("--storage", "memory")) {
      assertTrue(berth.output().contains("listening on http://127.0.0.1:" + berth.url()
          .getPort() + "/ (storage: memory)"), berth::output);
    }
  }

  @Test
  void gcAndReindexRefuseWhatIsNotARegistry() throws Exception {
    Path missing = work.resolve("typo");
    for (String command : List.of("gc", "reindex")) {
      Programs.Result r = BerthProcess.run(command, "--storage", missing.toString());
      assertEquals(2, r.exitCode(), r::toString);
      assertTrue(r.output().contains("storage.path = '" + missing + "' (from --storage): no such"
          + " directory"), r::toString);
      assertFalse(Files.exists(missing), command + " created the directory");
    }
    Path empty = Files.createDirectories(work.resolve("empty"));
    Programs.Result notRegistry = BerthProcess.run("reindex", "--storage=" + empty);
    assertEquals(2, notRegistry.exitCode(), notRegistry::toString);
    assertTrue(notRegistry.output().contains("not a registry: no docker/registry/v2 under it"),
        notRegistry::toString);
    assertEquals(List.of(), List.of(empty.toFile().list()), "reindex wrote into it");

    Programs.Result serveFlag = BerthProcess.run("gc", "--storage", empty.toString(),
        "--port", "5000");
    assertEquals(2, serveFlag.exitCode(), serveFlag::toString);
    assertTrue(serveFlag.output().contains("gc does not take --port (a flag of serve)"),
        serveFlag::toString);
  }

  @Test
  void gcReadsItsKeysFromTheFileTheEnvironmentAndFlags() throws Exception {
    Path storage = work.resolve("data");
    Digest loose;
    try (BerthProcess berth = BerthProcess.start("--storage", storage.toString())) {
      loose = new RegistryClient(berth.url()).pushBlob("it/gc",
          "nobody names me".getBytes(StandardCharsets.UTF_8));
    }
    Path config = Files.writeString(work.resolve("berth.yml"), String.join("\n",
        "http: {port: 5000}", "storage: {path: " + storage + "}", "gc: {gracePeriod: 0s}", ""));
    Programs.Result fromFile = BerthProcess.run("gc", config.toString(), "--dry-run");
    assertEquals(0, fromFile.exitCode(), fromFile::toString);
    assertTrue(fromFile.output().contains("would remove blob " + loose), fromFile::toString);

    Programs.Result graceFromEnvironment = BerthProcess.run(Map.of("BERTH_GC_GRACE_PERIOD",
        "1h"), "gc", "--config", config.toString(), "--dry-run");
    assertTrue(graceFromEnvironment.output().contains("would remove 0 manifests and 0 blobs"),
        graceFromEnvironment::toString);

    Programs.Result graceFromFlag = BerthProcess.run(Map.of("BERTH_GC_GRACE_PERIOD", "1h"),
        "gc", "--config=" + config, "--gc-grace-period=0s");
    assertEquals(0, graceFromFlag.exitCode(), graceFromFlag::toString);
    assertTrue(graceFromFlag.output().contains("removed blob " + loose), graceFromFlag::toString);
  }
}
