package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.testing.Fixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's command line: help, flag errors, the YAML config file, memory, gc, reindex. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LauncherCliIT {

  /** Every flag the README documents; {@code --help} must list each. */
  static final List<String> FLAGS = List.of("--config", "--strict", "--host", "--port",
      "--prefix", "--external-url", "--relative-urls", "--tls-certificate", "--tls-key",
      "--shutdown-timeout", "--storage", "--read-only", "--deletes-enabled",
      "--delete-referrers-with-subject", "--max-manifest-bytes", "--max-page-size",
      "--catalog-page-size", "--referrers-page-size", "--upload-max-age",
      "--upload-purge-interval", "--upload-purge-dry-run", "--gc-interval", "--gc-grace-period",
      "--gc-delete-untagged", "--log-level", "--dry-run", "--delete-untagged",
      "--grace-period");

  /** Switches appear as {@code --[no-]flag}. */
  static final List<String> SWITCHES = List.of("--relative-urls", "--read-only",
      "--deletes-enabled", "--delete-referrers-with-subject", "--upload-purge-dry-run",
      "--gc-delete-untagged");

  @TempDir
  Path work;

  static Programs.Result berth(String... args) {
    return BerthProcess.run(args);
  }

  @Test
  void helpListsEveryFlag() {
    Programs.Result help = berth("--help");
    assertEquals(0, help.exitCode(), help::toString);
    assertTrue(help.output().contains("usage (berth is bin/berth"), help::toString);
    for (String flag : FLAGS) {
      String shown = SWITCHES.contains(flag) ? Pattern.quote("--[no-]" + flag.substring(2))
          : flag;
      assertTrue(Pattern.compile("(?<![\\w-])" + shown + "(?![\\w-])").matcher(help.output())
          .find(), () -> flag + " missing from " + help);
    }
    for (String command : List.of("[serve]", "gc", "reindex")) {
      assertTrue(help.output().contains("berth " + command + " "),
          () -> command + ": " + help);
    }
    Programs.Result gcHelp = berth("gc", "--help");
    assertEquals(0, gcHelp.exitCode(), gcHelp::toString);
    assertTrue(gcHelp.output().contains("--grace-period=DURATION"), gcHelp::toString);
    assertFalse(gcHelp.output().contains("--port"), gcHelp::toString);
  }

  @Test
  void unknownFlagExitsWithTwo() {
    Programs.Result withValue = berth("serve", "--no-such-flag", "1", "--storage", "memory");
    assertEquals(2, withValue.exitCode(), withValue::toString);
    assertTrue(withValue.output().contains("unknown flag --no-such-flag"), withValue::toString);
    assertTrue(withValue.output().contains("--help"), withValue::toString);
    assertFalse(withValue.output().contains("listening"), withValue::toString);

    Programs.Result last = berth("serve", "--storage", "memory", "--no-such-flag");
    assertEquals(2, last.exitCode(), last::toString);
    assertTrue(last.output().contains("unknown flag --no-such-flag"), last::toString);

    Programs.Result command = berth("frobnicate");
    assertEquals(2, command.exitCode(), command::toString);
    assertTrue(command.output().contains("unknown command 'frobnicate'"), command::toString);
  }

  @Test
  void configFileIsHonoured() throws Exception {
    Path storage = work.resolve("from-config");
    int port = freePort();
    Path config = config(port, storage, false);
    try (BerthProcess berth = BerthProcess.launch(List.of(), "serve", "--config",
        config.toString())) {
      assertEquals(port, berth.url().getPort(), berth::output);
      assertEquals("127.0.0.1", berth.url().getHost(), berth::output);
      RegistryClient client = new RegistryClient(berth.url());
      Digest manifest = client.pushFixtureImage("it/config", "v1");
      RegistryClient.Response delete = client.delete("/v2/it/config/manifests/" + manifest);
      assertEquals(405, delete.status(), delete::toString);
      assertEquals(List.of("UNSUPPORTED"), delete.errorCodes(), delete::toString);
      RegistryClient.Response deleteBlob = client.delete("/v2/it/config/blobs/"
          + Fixtures.digest(Fixtures.LAYER));
      assertEquals(405, deleteBlob.status(), deleteBlob::toString);
      assertEquals(200, client.get("/v2/it/config/manifests/v1").status());
    }
    assertTrue(Files.isRegularFile(storage.resolve(
        "docker/registry/v2/repositories/it/config/_manifests/tags/v1/current/link")));
  }

  @Test
  void flagsOverrideTheConfigFile() throws Exception {
    Path configured = work.resolve("configured");
    Path flagged = work.resolve("flagged");
    Path config = config(freePort(), configured, false);
    try (BerthProcess berth = BerthProcess.launch(List.of(), "serve", "--config",
        config.toString(), "--port", "0", "--storage", flagged.toString(), "--deletes-enabled",
        "true")) {
      RegistryClient client = new RegistryClient(berth.url());
      Digest manifest = client.pushFixtureImage("it/flags", "v1");
      RegistryClient.Response delete = client.delete("/v2/it/flags/manifests/" + manifest);
      assertEquals(202, delete.status(), delete::toString);
      assertEquals(404, client.get("/v2/it/flags/manifests/v1").status());
      assertTrue(berth.output().contains("storage: " + flagged), berth::output);
    }
    assertTrue(Files.isDirectory(flagged.resolve("docker/registry/v2/repositories/it/flags")));
    assertFalse(Files.exists(configured.resolve("docker")), "the config's storage was used");
  }

  @Test
  void memoryStorageServes() throws Exception {
    try (BerthProcess berth = BerthProcess.start("--storage", "memory")) {
      assertTrue(berth.output().contains("storage: memory"), berth::output);
      RegistryClient client = new RegistryClient(berth.url());
      Digest manifest = client.pushFixtureImage("it/memory", "v1");
      RegistryClient.Response get = client.get("/v2/it/memory/manifests/" + manifest,
          "Accept", "application/vnd.oci.image.manifest.v1+json");
      assertEquals(200, get.status(), get::toString);
      assertEquals(manifest, Digest.sha256(get.body()));
      assertFalse(Files.exists(Path.of("memory")), "a directory named 'memory' was created");
    }
  }

  @Test
  void gcAndReindexRunOnADirectory() throws Exception {
    Path storage = work.resolve("maintained");
    Digest subject;
    Digest loose;
    Digest doomedLayer = Digest.sha256("layer doomed".getBytes(StandardCharsets.UTF_8));
    try (BerthProcess berth = BerthProcess.start("--storage", storage.toString())) {
      RegistryClient client = new RegistryClient(berth.url());
      subject = client.pushFixtureImage("it/app", "v1");
      client.pushSmallImage("it/app", "signature", "signature", subject,
          "application/vnd.example.signature");
      loose = client.pushBlob("it/app", "nobody names me".getBytes(StandardCharsets.UTF_8));
      Digest doomed = client.pushSmallImage("it/app", "doomed", "doomed");
      assertEquals(202, client.delete("/v2/it/app/manifests/" + doomed).status());
    }

    // Nothing is old enough under the default grace period of an hour.
    Programs.Result graceful = berth("gc", "--storage", storage.toString(), "--dry-run");
    assertEquals(0, graceful.exitCode(), graceful::toString);
    assertTrue(graceful.output().contains(
        "berth: gc: dry run: would remove 0 manifests and 0 blobs"), graceful::toString);

    Programs.Result dryRun = berth("gc", "--storage", storage.toString(), "--dry-run",
        "--grace-period", "0s");
    assertEquals(0, dryRun.exitCode(), dryRun::toString);
    assertTrue(dryRun.output().contains("would remove blob " + loose + " (15 bytes)"),
        dryRun::toString);
    assertTrue(dryRun.output().contains("would remove blob " + doomedLayer), dryRun::toString);
    assertTrue(dryRun.output().contains("berth: gc: dry run: would remove "), dryRun::toString);
    assertFalse(dryRun.output().contains("would remove blob " + subject), dryRun::toString);
    assertTrue(Files.isRegularFile(blobData(storage, loose)), "a dry run deleted " + loose);

    Programs.Result reindex = berth("reindex", "--storage", storage.toString());
    assertEquals(0, reindex.exitCode(), reindex::toString);
    assertTrue(reindex.output().contains("berth: reindexed 1 repositories, 2 manifests: 1 referrers"
        + " (0 from fallback tags; 0 added, 0 removed)"), reindex::toString);

    Programs.Result gc = berth("gc", "--storage", storage.toString(), "--grace-period", "0s");
    assertEquals(0, gc.exitCode(), gc::toString);
    assertTrue(gc.output().contains("removed blob " + loose), gc::toString);
    assertTrue(gc.output().contains("berth: gc: removed "), gc::toString);
    assertFalse(Files.exists(blobData(storage, loose)), "gc kept " + loose);
    assertTrue(Files.isRegularFile(blobData(storage, Fixtures.digest(Fixtures.LAYER))));

    Programs.Result noDirectory = berth("reindex", "--storage", "memory");
    assertEquals(2, noDirectory.exitCode(), noDirectory::toString);
    assertTrue(noDirectory.output().contains("needs --storage DIR"), noDirectory::toString);
  }

  static Path blobData(Path storage, Digest digest) {
    return storage.resolve("docker/registry/v2/blobs/sha256/" + digest.encoded().substring(0, 2)
        + "/" + digest.encoded() + "/data");
  }

  Path config(int port, Path storage, boolean deletes) throws IOException {
    Path file = work.resolve("berth-" + port + ".yml");
    Files.writeString(file, String.join("\n",
        "http:",
        "  host: 127.0.0.1",
        "  port: " + port,
        "storage:",
        "  path: " + storage,
        "deletes:",
        "  enabled: " + deletes,
        ""), StandardCharsets.UTF_8);
    return file;
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
