package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's {@code gc} command on a directory, checked by distribution's own collector: after
 * Berth collects with no grace period, {@code docker-registry garbage-collect --dry-run} on the same
 * directory finds nothing left to delete. The content has referrers (OCI image manifests with a
 * subject; registry:2 cannot parse ORAS artifact manifests), indexes, moved and deleted tags,
 * deleted subjects and stray blobs. And the schedule inside a running launcher collects too.
 */
class GarbageCollectionIT {

  @TempDir
  Path root;
  @TempDir
  Path work;

  static final Pattern ELIGIBLE = Pattern.compile(
      "(\\d+) blobs marked, (\\d+) blobs and (\\d+) manifests eligible for deletion");

  record Kept(String repo, String reference) {}

  /** Pushes a mix of live and garbage content; returns what must survive, by tag or digest. */
  List<Kept> populate(RegistryClient client) {
    List<Kept> kept = new ArrayList<>();
    Digest image = client.pushFixtureImage("library/app", "v1");
    kept.add(new Kept("library/app", "v1"));
    Digest sbom = client.pushSmallImage("library/app", "tmp-sbom", "sbom", image,
        "application/spdx+json");
    Digest sbomSig = client.pushSmallImage("library/app", "tmp-sig", "sbom-sig", sbom,
        "application/vnd.cncf.notary.signature");
    assertEquals(202, client.delete("/v2/library/app/manifests/tmp-sbom").status());
    assertEquals(202, client.delete("/v2/library/app/manifests/tmp-sig").status());
    kept.add(new Kept("library/app", sbom.toString()));
    kept.add(new Kept("library/app", sbomSig.toString()));

    // A subject deleted with its referrers: an untagged one (garbage, with its own referrer) and
    // a tagged one (kept).
    Digest doomed = client.pushSmallImage("library/app", "doomed", "doomed");
    Digest orphan = client.pushSmallImage("library/app", "tmp-orphan", "orphan", doomed, "t/sig");
    client.pushSmallImage("library/app", "tmp-orphan-sig", "orphan-sig", orphan, "t/sig");
    assertEquals(202, client.delete("/v2/library/app/manifests/tmp-orphan").status());
    assertEquals(202, client.delete("/v2/library/app/manifests/tmp-orphan-sig").status());
    client.pushSmallImage("library/app", "kept-sig", "kept-sig", doomed, "t/sig");
    kept.add(new Kept("library/app", "kept-sig"));
    assertEquals(202, client.delete("/v2/library/app/manifests/" + doomed).status());

    // A moved tag leaves an untagged manifest (kept unless --delete-untagged); stray blobs.
    client.pushSmallImage("team/x/y", "moving", "first");
    client.pushSmallImage("team/x/y", "moving", "second");
    kept.add(new Kept("team/x/y", "moving"));
    client.pushBlob("team/x/y", "stray one".getBytes(StandardCharsets.UTF_8));
    client.pushBlob("other", "stray two".getBytes(StandardCharsets.UTF_8));

    // An OCI index with its children, and a Docker manifest list.
    client.pushBlob("multi", Fixtures.bytes(Fixtures.LAYER));
    client.pushBlob("multi", Fixtures.bytes(Fixtures.OCI_CONFIG));
    client.pushBlob("multi", Fixtures.bytes(Fixtures.OCI_CONFIG_ARM64));
    for (String child : List.of(Fixtures.OCI_MANIFEST, Fixtures.OCI_MANIFEST_ARM64)) {
      assertEquals(201, client.putManifest("multi", Fixtures.digest(child).toString(),
          MediaTypes.OCI_MANIFEST, Fixtures.bytes(child)).status());
    }
    assertEquals(201, client.putManifest("multi", "oci", MediaTypes.OCI_INDEX,
        Fixtures.bytes(Fixtures.OCI_INDEX)).status());
    kept.add(new Kept("multi", "oci"));
    kept.add(new Kept("multi", Fixtures.digest(Fixtures.OCI_MANIFEST_ARM64).toString()));
    for (String child : List.of(Fixtures.DOCKER_MANIFEST, Fixtures.DOCKER_MANIFEST_ARM64)) {
      assertEquals(201, client.putManifest("multi", Fixtures.digest(child).toString(),
          MediaTypes.DOCKER_MANIFEST, Fixtures.bytes(child)).status());
    }
    assertEquals(201, client.putManifest("multi", "v2s2", MediaTypes.DOCKER_MANIFEST_LIST,
        Fixtures.bytes(Fixtures.DOCKER_LIST)).status());
    kept.add(new Kept("multi", "v2s2"));
    return kept;
  }

  static void assertPullsIntact(RegistryClient client, List<Kept> kept) {
    for (Kept k : kept) {
      Response m = client.get("/v2/" + k.repo() + "/manifests/" + k.reference());
      assertEquals(200, m.status(), () -> k + ": " + m);
      assertEquals(m.header("Docker-Content-Digest"), Digest.sha256(m.body()).toString());
      var json = m.json();
      List<String> blobs = new ArrayList<>();
      if (json.has("config")) {
        blobs.add(json.getAsJsonObject("config").get("digest").getAsString());
        json.getAsJsonArray("layers").forEach(l -> blobs.add(l.getAsJsonObject().get("digest")
            .getAsString()));
      }
      for (String b : blobs) {
        Response blob = client.get("/v2/" + k.repo() + "/blobs/" + b);
        assertEquals(200, blob.status(), () -> k + " blob " + b);
        assertEquals(b, Digest.sha256(blob.body()).toString());
      }
    }
  }

  static int[] eligible(String report) {
    Matcher m = ELIGIBLE.matcher(report);
    assertTrue(m.find(), report);
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3))};
  }

  @Test
  void afterBerthCollectsRegistryTwoFindsNothingLeftToDelete() throws Exception {
    Programs.require(DockerRegistryProcess.PROGRAM);
    List<Kept> kept;
    try (BerthProcess berth = BerthProcess.start("--storage", root.toString())) {
      kept = populate(new RegistryClient(berth.url()));
    }
    int[] before = eligible(DockerRegistryProcess.garbageCollect(root, work, true, false));
    assertTrue(before[1] >= 2, "there is garbage to begin with: " + before[1]);

    Programs.Result gc = BerthProcess.run("gc", "--storage", root.toString(), "--grace-period",
        "0s");
    assertEquals(0, gc.exitCode(), gc::toString);
    assertTrue(gc.output().contains("removed manifest library/app@"), gc::toString);
    assertTrue(gc.output().contains("removed blob "), gc::toString);

    String after = DockerRegistryProcess.garbageCollect(root, work, true, false);
    int[] counts = eligible(after);
    assertEquals(0, counts[1], "blobs registry:2 would still delete:\n" + after);
    assertEquals(0, counts[2], "manifests registry:2 would still delete:\n" + after);

    try (BerthProcess berth = BerthProcess.start("--storage", root.toString())) {
      RegistryClient client = new RegistryClient(berth.url());
      assertPullsIntact(client, kept);
      // The referrers of the deleted subject: only the tagged one is left.
      Response m = client.get("/v2/library/app/manifests/kept-sig");
      String subject = m.json().getAsJsonObject("subject").get("digest").getAsString();
      assertEquals(1, client.get("/v2/library/app/referrers/" + subject).json()
          .getAsJsonArray("manifests").size());
    }
  }

  @Test
  void withDeleteUntaggedToo() throws Exception {
    Programs.require(DockerRegistryProcess.PROGRAM);
    List<Kept> kept;
    try (BerthProcess berth = BerthProcess.start("--storage", root.toString())) {
      kept = populate(new RegistryClient(berth.url()));
    }
    Programs.Result dry = BerthProcess.run("gc", "--storage", root.toString(), "--grace-period",
        "0s", "--delete-untagged", "--dry-run");
    assertEquals(0, dry.exitCode(), dry::toString);
    assertTrue(dry.output().contains("would remove manifest team/x/y@"), dry::toString);
    Programs.Result gc = BerthProcess.run("gc", "--storage", root.toString(), "--grace-period",
        "0s", "--delete-untagged");
    assertEquals(0, gc.exitCode(), gc::toString);
    String after = DockerRegistryProcess.garbageCollect(root, work, true, false);
    int[] counts = eligible(after);
    assertEquals(0, counts[1], after);
    assertEquals(0, counts[2], after);
    try (BerthProcess berth = BerthProcess.start("--storage", root.toString())) {
      assertPullsIntact(new RegistryClient(berth.url()), kept);
    }
  }

  @Test
  void theScheduleInsideARunningLauncherCollects() throws Exception {
    // A grace period of 2 s: long enough for a push's blobs to meet their manifest, short enough
    // for the stray blob to go within the test.
    try (BerthProcess berth = BerthProcess.start("--storage", root.toString(), "--gc-interval",
        "1s", "--gc-grace-period", "2s")) {
      RegistryClient client = new RegistryClient(berth.url());
      client.pushFixtureImage("app", "v1");
      Digest stray = client.pushBlob("app", "stray".getBytes(StandardCharsets.UTF_8));
      // Watch the file, not the API: a HEAD touches the blob (pushers check layers that way just
      // before naming them in a manifest), which would keep it young.
      Path data = root.resolve(dev.berth.registry.layout.StoragePaths.blobData(stray));
      assertTrue(java.nio.file.Files.exists(data));
      Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
      while (java.nio.file.Files.exists(data) && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      assertEquals(404, client.head("/v2/app/blobs/" + stray).status(), berth::output);
      assertTrue(berth.output().contains("berth: gc: removed"), berth::output);
      assertPullsIntact(client, List.of(new Kept("app", "v1")));
    }
  }
}
