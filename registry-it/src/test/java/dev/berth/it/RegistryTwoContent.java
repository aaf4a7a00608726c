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

/** What RegistryTwoCompatibilityIT pushes into both registries, and how it checks it. */
final class RegistryTwoContent {
  private RegistryTwoContent() {}

  static final String APP = "library/app";
  static final String TEAM = "team/x";
  static final String TEAM_Y = "team/x/y";

  static final Digest SUBJECT = Fixtures.digest(Fixtures.OCI_MANIFEST);
  /** The distribution-spec 1.1 referrers fallback tag of fixture 1. */
  static final String FALLBACK_TAG = "sha256-" + SUBJECT.encoded();
  /** cosign's tag-scheme signature tag of fixture 1. */
  static final String COSIGN_TAG = FALLBACK_TAG + ".sig";

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
