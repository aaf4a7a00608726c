package dev.berth.it;

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

  static final String APP = "library/app";
  static final String TEAM = "team/x";
  static final String TEAM_Y = "team/x/y";

  static final Digest SUBJECT = Fixtures.digest(Fixtures.OCI_MANIFEST);
  /** The distribution-spec 1.1 referrers fallback tag of fixture 1. */
  static final String FALLBACK_TAG = "sha256-" + SUBJECT.encoded();
  /** cosign's tag-scheme signature tag of fixture 1. */
  static final String COSIGN_TAG = FALLBACK_TAG + ".sig";

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

  /** What was pushed, for the checks. */
  static final class Pushed {
    /** Repository to its tags, sorted. */
    final Map<String, List<String>> tags = new TreeMap<>();
    /** {@code repo:tag} or {@code repo@digest} to the bytes pushed there. */
    final Map<String, byte[]> manifests = new LinkedHashMap<>();
    final Map<String, List<Digest>> looseBlobs = new TreeMap<>();
    final Map<String, List<Digest>> looseManifests = new TreeMap<>();
    /** {@code repo:tag} and {@code repo@digest} that were deleted: 404 everywhere. */
    final List<String> gone = new ArrayList<>();
    /** The manifest deleted by digest. */
    Digest deletedManifest;
    /** Blobs that nothing names any more: what a garbage collector may remove. */
    final List<Digest> garbage = new ArrayList<>();
    byte[] bigBlob;
    Digest bigBlobDigest;

    void manifest(RegistryClient client, String repo, String reference, String mediaType,
        byte[] body) {
      RegistryClient.Response put = client.putManifest(repo, reference, mediaType, body);
      assertEquals(201, put.status(), () -> "PUT " + repo + ":" + reference + " -> " + put);
      assertEquals(Digest.sha256(body).toString(), put.header("Docker-Content-Digest"));
      boolean isDigest = reference.startsWith("sha256:");
      manifests.put(repo + (isDigest ? "@" : ":") + reference, body);
      if (!isDigest) {
        List<String> list = tags.computeIfAbsent(repo, r -> new ArrayList<>());
        list.add(reference);
        list.sort(null);
      }
    }

    void fixture(RegistryClient client, String repo, String reference, String fixture,
        String mediaType) {
      manifest(client, repo, reference, mediaType, Fixtures.bytes(fixture));
    }

    /** Everything {@code client} serves, including the loose blobs and manifests pushed. */
    RegistrySnapshot snapshot(RegistryClient client) {
      return RegistrySnapshot.take(client, looseBlobs, looseManifests);
    }

    /** Checks a snapshot against what was pushed: nothing lost, nothing extra, bytes exact. */
    void assertServedBy(RegistrySnapshot s, String who) {
      assertEquals(List.copyOf(tags.keySet()), s.catalog, who + ": catalog");
      assertEquals(tags, s.sortedTags(), who + ": tag lists");
      for (Map.Entry<String, byte[]> e : manifests.entrySet()) {
        RegistrySnapshot.Manifest m = s.manifests.get(e.getKey());
        assertTrue(m != null, who + " did not serve " + e.getKey() + "; it served " + s);
        assertArrayEquals(e.getValue(), m.body(), who + ": bytes of " + e.getKey());
      }
      looseBlobs.forEach((repo, digests) -> digests.forEach(d ->
          assertTrue(s.blobs.containsKey(repo + "@" + d), who + ": loose blob " + repo + "@" + d)));
      looseManifests.forEach((repo, digests) -> digests.forEach(d -> assertTrue(
          s.manifests.containsKey(repo + "@" + d), who + ": untagged manifest " + repo + "@" + d)));
    }

    /** Deleted manifests and tags answer 404. */
    void assertGone(RegistryClient client, String who) {
      for (String key : gone) {
        int at = key.contains("@") ? key.indexOf('@') : key.lastIndexOf(':');
        RegistryClient.Response r = client.get("/v2/" + key.substring(0, at) + "/manifests/"
            + key.substring(at + 1), "Accept", RegistrySnapshot.ACCEPT);
        assertEquals(404, r.status(), () -> who + " still serves deleted " + key + ": " + r);
      }
    }

    /** All the blobs a collector may remove, sorted. */
    List<String> collectable() {
      List<String> all = new ArrayList<>();
      looseBlobs.values().forEach(list -> list.forEach(d -> all.add(d.toString())));
      garbage.forEach(d -> all.add(d.toString()));
      all.sort(null);
      return all;
    }
  }

  /**
   * Pushes the test content. {@code berth} selects what only Berth does: the OCI empty blob is
   * never uploaded (Berth materializes it; registry:2 refuses the manifest without it), and the
   * large blob goes in several chunks (registry:2 gets it in one PUT).
   */
  static Pushed push(RegistryClient c, boolean berth) {
    Pushed p = new Pushed();

    // library/app: the umoci image and its arm64 twin under an OCI index, a cosign signature, the
    // ORAS Java SDK's artifact (subject = fixture 1) and the fallback index that lists it.
    c.pushBlob(APP, Fixtures.bytes(Fixtures.LAYER));
    c.pushBlob(APP, Fixtures.bytes(Fixtures.OCI_CONFIG));
    c.pushBlob(APP, Fixtures.bytes(Fixtures.OCI_CONFIG_ARM64));
    p.fixture(c, APP, "amd64", Fixtures.OCI_MANIFEST, MediaTypes.OCI_MANIFEST);
    p.fixture(c, APP, "latest", Fixtures.OCI_MANIFEST, MediaTypes.OCI_MANIFEST);
    p.fixture(c, APP, "arm64", Fixtures.OCI_MANIFEST_ARM64, MediaTypes.OCI_MANIFEST);
    p.fixture(c, APP, "multi", Fixtures.OCI_INDEX, MediaTypes.OCI_INDEX);
    c.pushBlob(APP, Fixtures.bytes(Fixtures.COSIGN_PAYLOAD));
    c.pushBlob(APP, Fixtures.bytes(Fixtures.COSIGN_CONFIG));
    p.fixture(c, APP, COSIGN_TAG, Fixtures.COSIGN_MANIFEST, MediaTypes.OCI_MANIFEST);
    if (!berth) {
      c.pushBlob(APP, Fixtures.bytes(Fixtures.EMPTY_CONFIG));
    }
    c.pushBlob(APP, Fixtures.bytes(Fixtures.ORAS_JAVA_SBOM));
    p.fixture(c, APP, Fixtures.digest(Fixtures.ORAS_JAVA_ARTIFACT).toString(),
        Fixtures.ORAS_JAVA_ARTIFACT, MediaTypes.OCI_MANIFEST);
    p.fixture(c, APP, FALLBACK_TAG, Fixtures.REFERRERS_TAG_INDEX, MediaTypes.OCI_INDEX);
    RandomBlob big = new RandomBlob(1, 9 * 1024 * 1024 + 123);
    p.bigBlob = big.bytes();
    p.bigBlobDigest = berth ? pushChunked(c, APP, p.bigBlob, 4) : c.pushBlob(APP, p.bigBlob);
    Digest small = c.pushBlob(APP, new RandomBlob(2, 1000).bytes());
    p.looseBlobs.put(APP, List.of(p.bigBlobDigest, small));

    // team/x/y: the Docker forms, blobs mounted from library/app or pushed again (same data).
    mount(c, TEAM_Y, Fixtures.digest(Fixtures.LAYER), APP);
    mount(c, TEAM_Y, Fixtures.digest(Fixtures.OCI_CONFIG_ARM64), APP);
    c.pushBlob(TEAM_Y, Fixtures.bytes(Fixtures.OCI_CONFIG));
    p.fixture(c, TEAM_Y, "amd64", Fixtures.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST);
    p.fixture(c, TEAM_Y, "v2s2", Fixtures.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST);
    p.fixture(c, TEAM_Y, Fixtures.digest(Fixtures.DOCKER_MANIFEST_ARM64).toString(),
        Fixtures.DOCKER_MANIFEST_ARM64, MediaTypes.DOCKER_MANIFEST);
    p.fixture(c, TEAM_Y, "list", Fixtures.DOCKER_LIST, MediaTypes.DOCKER_MANIFEST_LIST);

    // team/x, a repository that holds another one (team/x/y) in its folder: fixture 1 again and a
    // small OCI manifest with a subject whose config is the empty blob.
    c.pushBlob(TEAM, Fixtures.bytes(Fixtures.LAYER));
    c.pushBlob(TEAM, Fixtures.bytes(Fixtures.OCI_CONFIG));
    p.fixture(c, TEAM, "base", Fixtures.OCI_MANIFEST, MediaTypes.OCI_MANIFEST);
    if (!berth) {
      c.pushBlob(TEAM, Fixtures.bytes(Fixtures.EMPTY_CONFIG));
    }
    byte[] layer = "layer referrer".getBytes(StandardCharsets.UTF_8);
    Digest layerDigest = c.pushBlob(TEAM, layer);
    p.manifest(c, TEAM, "referrer", MediaTypes.OCI_MANIFEST, RegistryClient.smallManifest(
        layerDigest, layer.length, "referrer", SUBJECT, "application/vnd.example.test"));
    p.looseBlobs.put(TEAM, List.of(c.pushBlob(TEAM, new RandomBlob(3, 5000).bytes())));

    // Deletes. A manifest deleted by digest takes its tags along, on both registries. Berth also
    // deletes a tag alone; registry:2 2.8.2 cannot (DELETE /v2/team/x/manifests/untag-me gives
    // 400 DIGEST_INVALID), so that one is Berth's only.
    Digest gone = c.pushSmallImage(TEAM, "gone", "gone");
    delete(c, TEAM, gone.toString());
    p.deletedManifest = gone;
    p.gone.addAll(List.of(TEAM + ":gone", TEAM + "@" + gone));
    p.garbage.addAll(List.of(gone, Digest.sha256("layer gone".getBytes(StandardCharsets.UTF_8))));
    if (berth) {
      Digest untagged = c.pushSmallImage(TEAM, "untag-me", "untag-me");
      delete(c, TEAM, "untag-me");
      p.gone.add(TEAM + ":untag-me");
      p.looseManifests.put(TEAM, List.of(untagged));
    }
    return p;
  }

  /** POST, then {@code chunks} PATCHes with {@code Content-Range}, then PUT {@code ?digest=}. */
  static Digest pushChunked(RegistryClient c, String repo, byte[] content, int chunks) {
    Digest digest = Digest.sha256(content);
    RegistryClient.Response r = c.post("/v2/" + repo + "/blobs/uploads/", null);
    assertEquals(202, r.status(), r::toString);
    String location = r.header("Location");
    int size = (content.length + chunks - 1) / chunks;
    for (int start = 0; start < content.length; start += size) {
      int end = Math.min(content.length, start + size);
      r = c.patch(location, Arrays.copyOfRange(content, start, end), "Content-Type",
          "application/octet-stream", "Content-Range", start + "-" + (end - 1));
      assertEquals(202, r.status(), r::toString);
      assertEquals("0-" + (end - 1), r.header("Range"));
      location = r.header("Location");
    }
    r = c.put(RegistryClient.withQuery(location, "digest=" + digest), null);
    assertEquals(201, r.status(), r::toString);
    return digest;
  }

  static void delete(RegistryClient c, String repo, String reference) {
    RegistryClient.Response r = c.delete("/v2/" + repo + "/manifests/" + reference);
    assertEquals(202, r.status(), () -> "DELETE " + repo + ":" + reference + " -> " + r);
  }

  static void mount(RegistryClient c, String repo, Digest digest, String from) {
    RegistryClient.Response r = c.post("/v2/" + repo + "/blobs/uploads/?mount=" + digest
        + "&from=" + from, null);
    assertEquals(201, r.status(), r::toString);
  }

  /**
   * Single byte ranges over a blob the other registry wrote. A range past the end must give 416;
   * that is checked only on Berth: registry:2 2.8.2 answers it with a broken message, {@code 416}
   * with {@code Content-Length: 9437307} (the blob's size, set before Go's {@code ServeContent}
   * rejects the range) and a 33-byte body {@code invalid range: failed to overlap}, which an HTTP
   * client reports as a truncated body.
   */
  static void assertRanges(RegistryClient c, String repo, byte[] blob, Digest digest,
      boolean checkUnsatisfiable) {
    String path = "/v2/" + repo + "/blobs/" + digest;
    int n = blob.length;
    assertRange(c, path, "bytes=0-0", blob, 0, 1);
    assertRange(c, path, "bytes=1000-1999", blob, 1000, 2000);
    assertRange(c, path, "bytes=" + (n - 5000) + "-", blob, n - 5000, n);
    assertRange(c, path, "bytes=-100", blob, n - 100, n);
    assertRange(c, path, "bytes=" + (n / 2) + "-" + (n + 10_000), blob, n / 2, n);
    if (checkUnsatisfiable) {
      RegistryClient.Response outside = c.get(path, "Range", "bytes=" + n + "-");
      assertEquals(416, outside.status(), outside::toString);
      assertEquals("bytes */" + n, outside.header("Content-Range"));
    }
  }

  static void assertRange(RegistryClient c, String path, String range, byte[] blob, int from,
      int to) {
    RegistryClient.Response r = c.get(path, "Range", range);
    assertEquals(206, r.status(), () -> range + " -> " + r);
    assertEquals("bytes " + from + "-" + (to - 1) + "/" + blob.length, r.header("Content-Range"),
        range);
    assertArrayEquals(Arrays.copyOfRange(blob, from, to), r.body(), range);
  }
}
