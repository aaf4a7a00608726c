package dev.berth.it;

import static dev.berth.it.RegistryTwoContent.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.it.support.Programs;
import dev.berth.it.support.RandomBlob;
import dev.berth.it.support.RegistrySnapshot;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth and distribution's {@code registry:2} (2.8.x, the Debian {@code docker-registry}) share one
 * on-disk format (SPEC §6): a directory either of them filled is served completely, byte for byte,
 * by the other, and registry:2's garbage collector reads what Berth wrote.
 *
 * <p>The content covers every kind of manifest the fixtures hold (OCI manifest without
 * {@code mediaType}, its arm64 twin, OCI index, Docker v2s2, Docker manifest list, a cosign
 * tag-scheme signature, the ORAS Java SDK's OCI artifact with {@code subject}, and the referrers
 * fallback index under {@code sha256-<hex>}), nested repository names, several tags, blobs shared
 * between repositories, and loose random blobs (one over 8 MiB).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RegistryTwoCompatibilityIT {

  @TempDir
  Path work;

  Path root;

  @BeforeEach
  void requireRegistryTwo() throws Exception {
    Programs.require(DockerRegistryProcess.PROGRAM);
    root = Files.createDirectories(work.resolve("root"));
  }

  /** (a) Everything registry:2 wrote is served by Berth as registry:2 served it. */
  @Test
  void berthServesWhatRegistryTwoWrote() throws Exception {
    Pushed pushed;
    RegistrySnapshot written;
    try (DockerRegistryProcess registry2 = DockerRegistryProcess.start(root, work)) {
      RegistryClient client = new RegistryClient(registry2.url());
      pushed = push(client, false);
      written = pushed.snapshot(client);
      pushed.assertServedBy(written, "registry:2");
      pushed.assertGone(client, "registry:2");
      // An upload registry:2 never finished: _uploads/<id>/{data,startedat,hashstates/...}.
      RegistryClient.Response started = client.post("/v2/" + TEAM + "/blobs/uploads/", null);
      assertEquals(202, started.status(), started::toString);
      RegistryClient.Response chunk = client.patch(started.header("Location"),
          "half a blob".getBytes(StandardCharsets.UTF_8), "Content-Type",
          "application/octet-stream");
      assertEquals(202, chunk.status(), chunk::toString);
    }
    // registry:2 deletes a revision's link but leaves its folder: revisions/sha256/<hex>/ is empty.
    assertTrue(Files.isDirectory(root.resolve("docker/registry/v2/repositories/" + TEAM
        + "/_manifests/revisions/sha256/" + pushed.deletedManifest.encoded())));

    try (BerthProcess berth = BerthProcess.start("--storage", root.toString())) {
      RegistryClient client = new RegistryClient(berth.url());
      RegistrySnapshot served = pushed.snapshot(client);
      written.assertServedSameBy(served, "Berth on registry:2's directory");
      assertEquals(pushed.tags, served.tags, "Berth lists tags in lexical order");
      pushed.assertGone(client, "Berth on registry:2's directory");

      for (String repo : pushed.tags.keySet()) {
        for (String tag : pushed.tags.get(repo)) {
          RegistryClient.Response head = client.head("/v2/" + repo + "/manifests/" + tag,
              "Accept", RegistrySnapshot.ACCEPT);
          RegistrySnapshot.Manifest want = written.manifests.get(repo + ":" + tag);
          assertEquals(200, head.status(), head::toString);
          assertEquals(want.digestHeader(), head.header("Docker-Content-Digest"), repo + ":" + tag);
          assertEquals(String.valueOf(want.body().length), head.header("Content-Length"));
          assertEquals(want.contentType(), head.header("Content-Type"), repo + ":" + tag);
        }
      }
      assertRanges(client, APP, pushed.bigBlob, pushed.bigBlobDigest, true);

      // Berth built its referrers index at first start, from the manifests with a subject and from
      // the fallback tag index: the response is byte-identical to the index oras-go wrote. Two
      // referrers: fixture 6 (subject fixture 1, library/app) and the small manifest in team/x.
      assertTrue(berth.output().contains(
          "built the referrers index over existing data: 2 referrers in 3 repositories"),
          berth::output);
      RegistryClient.Response referrers = client.get("/v2/" + APP + "/referrers/" + SUBJECT);
      assertEquals(200, referrers.status(), referrers::toString);
      assertEquals(MediaTypes.OCI_INDEX, referrers.header("Content-Type"));
      assertEquals(new String(Fixtures.bytes(Fixtures.REFERRERS_TAG_INDEX), StandardCharsets.UTF_8),
          referrers.text());
      assertArrayEquals(Fixtures.bytes(Fixtures.REFERRERS_TAG_INDEX), referrers.body());
      assertEquals(Fixtures.digest(Fixtures.ORAS_JAVA_ARTIFACT).toString(),
          referrers.json().getAsJsonArray("manifests").get(0).getAsJsonObject().get("digest")
              .getAsString());
      assertTrue(berth.isAlive(), berth::output);
      assertFalse(berth.output().contains("Exception"), berth::output);
    }

    // Berth's collector reads registry:2's layout too: exactly the loose blobs and the deleted
    // manifest's bytes and layer are garbage; nothing a manifest names is.
    Programs.Result gc = BerthProcess.run("gc", "--storage", root.toString(), "--dry-run",
        "--grace-period", "0s");
    assertEquals(0, gc.exitCode(), gc::toString);
    List<String> removable = new ArrayList<>();
    for (String line : gc.output().split("\\n")) {
      if (line.startsWith("would remove blob ")) {
        removable.add(line.substring("would remove blob ".length()).split(" ")[0]);
      }
    }
    removable.sort(null);
    assertEquals(pushed.collectable(), removable, gc::toString);
    assertFalse(gc.output().contains("would remove manifest"), gc::toString);
  }

  /** (b) Everything Berth wrote is served by registry:2 as Berth served it. */
  @Test
  void registryTwoServesWhatBerthWrote() throws Exception {
    Pushed pushed;
    RegistrySnapshot written;
    try (BerthProcess berth = BerthProcess.start("--storage", root.toString())) {
      RegistryClient client = new RegistryClient(berth.url());
      pushed = push(client, true);
      written = pushed.snapshot(client);
      pushed.assertServedBy(written, "Berth");
      assertEquals(pushed.tags, written.tags, "Berth lists tags in lexical order");
      pushed.assertGone(client, "Berth");
    }
    // Berth materialized the empty blob that no client uploaded, as a registry:2 blob.
    assertTrue(Files.isRegularFile(root.resolve("docker/registry/v2/blobs/sha256/44/"
        + Digest.EMPTY_JSON.encoded() + "/data")));

    try (DockerRegistryProcess registry2 = DockerRegistryProcess.start(root, work)) {
      RegistryClient client = new RegistryClient(registry2.url());
      RegistrySnapshot served = pushed.snapshot(client);
      written.assertServedSameBy(served, "registry:2 on Berth's directory");
      pushed.assertGone(client, "registry:2 on Berth's directory");
      // The empty config that no client uploaded is a plain blob of both repositories to
      // registry:2.
      assertTrue(served.blobs.containsKey(APP + "@" + Digest.EMPTY_JSON), served::toString);
      assertTrue(served.blobs.containsKey(TEAM + "@" + Digest.EMPTY_JSON), served::toString);
      assertRanges(client, APP, pushed.bigBlob, pushed.bigBlobDigest, false);
      assertTrue(registry2.isAlive(), registry2::output);
      // registry:2 logs the expected 404s at level=error; a 5xx would be a real failure.
      assertFalse(registry2.output().matches("(?s).*http\\.response\\.status=5\\d\\d.*"),
          registry2::output);
    }
  }

  /**
   * (c) registry:2's garbage collector reads every manifest and link Berth wrote, in a directory
   * where Berth also deleted a manifest and a tag, materialized the empty blob, kept its referrers
   * index ({@code _referrers}) and left an upload unfinished ({@code _uploads/<id>/_berth/parts}).
   *
   * <p>What {@code docker-registry garbage-collect --dry-run} (2.8.2) reported: the three
   * repositories, a {@code <repo>: marking manifest|blob sha256:...} line for every manifest
   * revision and what it names (61 lines; the empty blob {@code 44136fa...} that Berth
   * materialized is marked through fixture 6 and the team/x referrer), then
   *
   * <pre>
   * 20 blobs marked, 5 blobs and 0 manifests eligible for deletion
   * blob eligible for deletion: sha256:...   (x5)
   * </pre>
   *
   * the five being the three loose random blobs (no manifest names them) and the bytes and layer
   * of the manifest Berth deleted. No error, no warning. With {@code --delete-untagged} it
   * reported {@code 17 blobs marked, 8 blobs and 3 manifests eligible for deletion}: the manifest
   * whose only tag Berth deleted (expected), but also fixture 6 (a referrer, listed only by the
   * fallback index) and the untagged arm64 child 4b of the Docker manifest list. That is
   * registry:2's own rule (untagged means collectable, even as an index child or a referrer), so
   * registry:2's {@code --delete-untagged} must not be run on a Berth directory that holds
   * referrers or indexes with untagged children; Berth's own {@code gc --delete-untagged} keeps
   * them (checked below).
   */
  @Test
  void registryTwoGarbageCollectorReadsWhatBerthWrote() throws Exception {
    Pushed pushed;
    String unfinished;
    try (BerthProcess berth = BerthProcess.start("--storage", root.toString())) {
      RegistryClient client = new RegistryClient(berth.url());
      pushed = push(client, true);
      RegistryClient.Response started = client.post("/v2/" + TEAM + "/blobs/uploads/", null);
      assertEquals(202, started.status(), started::toString);
      unfinished = started.header("Docker-Upload-UUID");
      RegistryClient.Response chunk = client.patch(started.header("Location"),
          "half a blob".getBytes(StandardCharsets.UTF_8), "Content-Type",
          "application/octet-stream", "Content-Range", "0-10");
      assertEquals(202, chunk.status(), chunk::toString);
    }
    assertTrue(Files.isDirectory(root.resolve("docker/registry/v2/repositories/" + TEAM
        + "/_uploads/" + unfinished)));
    assertTrue(Files.isDirectory(root.resolve("docker/registry/v2/repositories/" + APP
        + "/_referrers")));

    String report = DockerRegistryProcess.garbageCollect(root, work, true, false);
    assertFalse(report.contains("level=error") || report.contains("failed to"), report);
    assertTrue(report.contains(APP + ": marking blob " + Digest.EMPTY_JSON), report);
    assertTrue(report.contains(TEAM + ": marking manifest " + SUBJECT), report);
    List<String> eligible = new ArrayList<>();
    for (String line : report.split("\\n")) {
      if (line.startsWith("blob eligible for deletion: ")) {
        eligible.add(line.substring("blob eligible for deletion: ".length()).trim());
      }
    }
    eligible.sort(null);
    assertEquals(pushed.collectable(), eligible, report);
    assertTrue(report.contains("0 manifests eligible for deletion"), report);

    String untagged = DockerRegistryProcess.garbageCollect(root, work, true, true);
    assertFalse(untagged.contains("level=error") || untagged.contains("failed to"), untagged);
    assertTrue(untagged.contains("manifest eligible for deletion: "
        + Fixtures.digest(Fixtures.ORAS_JAVA_ARTIFACT)), untagged);
    // Berth's own --delete-untagged keeps the referrer and the index child registry:2's would take.
    Programs.Result berthGc = BerthProcess.run("gc", "--storage", root.toString(), "--dry-run",
        "--delete-untagged", "--grace-period", "0s");
    assertEquals(0, berthGc.exitCode(), berthGc::toString);
    assertTrue(berthGc.output().contains("would remove manifest " + TEAM + "@"), berthGc::toString);
    for (String kept : List.of(Fixtures.ORAS_JAVA_ARTIFACT, Fixtures.DOCKER_MANIFEST_ARM64)) {
      assertFalse(berthGc.output().contains(Fixtures.digest(kept).toString()), berthGc::toString);
    }

    // A dry run removes nothing.
    for (String digest : pushed.collectable()) {
      String hex = Digest.parse(digest).encoded();
      assertTrue(Files.isRegularFile(root.resolve("docker/registry/v2/blobs/sha256/"
          + hex.substring(0, 2) + "/" + hex + "/data")), digest);
    }
  }

}
