package dev.berth.registry.servlet.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.gc.GcListener;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Garbage collection's semantics on a filesystem registry, observed over HTTP. */
class GarbageCollectionTest extends HttpSuite {

  @TempDir
  Path root;

  static final GcOptions NOW = GcOptions.defaults().withGracePeriod(Duration.ZERO);

  @Override
  protected Registry newRegistry() {
    return Registry.builder().filesystem(root, false).uploadMaxAge(Duration.ofHours(1)).build();
  }

  Registry registry() {
    return server.registry();
  }

  GcReport collect(GcOptions options) {
    return registry().collectGarbage(options);
  }

  boolean manifestExists(String repo, Digest d) {
    return client.head("/v2/" + repo + "/manifests/" + d).status() == 200;
  }

  boolean blobExists(String repo, Digest d) {
    return client.head("/v2/" + repo + "/blobs/" + d).status() == 200;
  }

  boolean blobBytesExist(Digest d) {
    return registry().storage().stat(StoragePaths.blobData(d)).isPresent();
  }

  byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keepsTaggedImagesAndRemovesUnreferencedBlobsWithTheirLinks() {
    Digest image = client.pushFixtureImage("app", "v1");
    Digest stray = client.pushBlob("app", bytes("uploaded, never referenced"));
    client.pushBlob("other", bytes("uploaded, never referenced"));

    GcReport report = collect(NOW);

    assertTrue(manifestExists("app", image));
    assertTrue(blobExists("app", Fixtures.digest(Fixtures.LAYER)));
    assertTrue(blobExists("app", Fixtures.digest(Fixtures.OCI_CONFIG)));
    assertFalse(blobExists("app", stray));
    assertFalse(blobExists("other", stray));
    assertFalse(blobBytesExist(stray));
    assertTrue(registry().storage().stat(StoragePaths.layerLink(RepositoryName.parse("other"),
        stray)).isEmpty(), "links to swept blobs go too");
    assertEquals(List.of(stray.toString()), report.blobsRemoved());
    assertEquals(26, report.bytesFreed());
    assertEquals(List.of(), report.manifestsRemoved());
  }

  @Test
  void untaggedManifestsAreRootsUnlessDeleteUntagged() {
    Digest image = client.pushFixtureImage("app", "v1");
    Digest untagged = client.pushSmallImage("app", "temp", "untagged");
    byte[] uniqueLayer = bytes("layer untagged");
    assertEquals(202, client.delete("/v2/app/manifests/temp").status());

    collect(NOW);
    assertTrue(manifestExists("app", untagged), "kept: untagged manifests are roots by default");

    GcReport report = collect(NOW.withDeleteUntagged(true));
    assertFalse(manifestExists("app", untagged));
    assertFalse(blobBytesExist(Digest.sha256(uniqueLayer)), "its only layer goes with it");
    assertFalse(blobBytesExist(untagged), "and its own bytes");
    assertFalse(blobBytesExist(Digest.EMPTY_JSON), "the empty config, which nothing kept names");
    assertFalse(blobExists("app", Digest.EMPTY_JSON),
        "the empty blob is collected like any other blob");
    assertTrue(manifestExists("app", image));
    assertEquals(List.of("app@" + untagged), report.manifestsRemoved());
  }

  @Test
  void anIndexKeepsItsChildren() {
    client.pushBlob("app", Fixtures.bytes(Fixtures.LAYER));
    client.pushBlob("app", Fixtures.bytes(Fixtures.OCI_CONFIG));
    client.pushBlob("app", Fixtures.bytes(Fixtures.OCI_CONFIG_ARM64));
    Digest amd64 = Fixtures.digest(Fixtures.OCI_MANIFEST);
    Digest arm64 = Fixtures.digest(Fixtures.OCI_MANIFEST_ARM64);
    assertEquals(201, client.putManifest("app", amd64.toString(), MediaTypes.OCI_MANIFEST,
        Fixtures.bytes(Fixtures.OCI_MANIFEST)).status());
    assertEquals(201, client.putManifest("app", arm64.toString(), MediaTypes.OCI_MANIFEST,
        Fixtures.bytes(Fixtures.OCI_MANIFEST_ARM64)).status());
    assertEquals(201, client.putManifest("app", "multi", MediaTypes.OCI_INDEX,
        Fixtures.bytes(Fixtures.OCI_INDEX)).status());

    collect(NOW.withDeleteUntagged(true));
    assertTrue(manifestExists("app", amd64));
    assertTrue(manifestExists("app", arm64));
    assertTrue(blobExists("app", Fixtures.digest(Fixtures.OCI_CONFIG_ARM64)));

    assertEquals(202, client.delete("/v2/app/manifests/multi").status());
    collect(NOW.withDeleteUntagged(true));
    assertFalse(manifestExists("app", amd64));
    assertFalse(manifestExists("app", arm64));
    assertFalse(manifestExists("app", Fixtures.digest(Fixtures.OCI_INDEX)));
    assertFalse(blobBytesExist(Fixtures.digest(Fixtures.LAYER)));
  }

  /** A referrer lives while its subject lives or while it is tagged, recursively. */
  @Test
  void referrersLiveAndDieWithTheirSubject() {
    Digest image = client.pushFixtureImage("app", "v1");
    Digest sbom = client.pushSmallImage("app", "t-sbom", "sbom", image, "application/spdx+json");
    Digest sbomSig = client.pushSmallImage("app", "t-sbom-sig", "sbom-sig", sbom, "sig");
    Digest taggedSig = client.pushSmallImage("app", "keep-me", "tagged-sig", image, "sig");
    Digest ofTagged = client.pushSmallImage("app", "t-of-tagged", "of-tagged", taggedSig, "sig");
    for (String tag : List.of("t-sbom", "t-sbom-sig", "t-of-tagged")) {
      assertEquals(202, client.delete("/v2/app/manifests/" + tag).status());
    }

    // Subject alive: every referrer stays, though untagged (even with deleteUntagged).
    collect(NOW.withDeleteUntagged(true));
    for (Digest d : List.of(sbom, sbomSig, taggedSig, ofTagged)) {
      assertTrue(manifestExists("app", d), d.toString());
    }

    // Subject gone: its untagged referrers go, recursively, even without deleteUntagged.
    assertEquals(202, client.delete("/v2/app/manifests/" + image).status());
    GcReport report = collect(NOW);
    assertFalse(manifestExists("app", sbom));
    assertFalse(manifestExists("app", sbomSig));
    assertTrue(manifestExists("app", taggedSig), "a tag keeps a referrer");
    assertTrue(manifestExists("app", ofTagged), "and so its own referrers");
    assertFalse(blobBytesExist(Digest.sha256(bytes("layer sbom"))));
    assertTrue(report.manifestsRemoved().containsAll(List.of("app@" + sbom, "app@" + sbomSig)));
    assertEquals(Set.of(taggedSig.toString()), client.get("/v2/app/referrers/" + image).json()
        .getAsJsonArray("manifests").asList().stream()
        .map(e -> e.getAsJsonObject().get("digest").getAsString()).collect(Collectors.toSet()),
        "the index forgets collected referrers");
    assertTrue(report.referrersEntriesRemoved() >= 1);
  }

  @Test
  void anOrasArtifactKeepsItsBlobs() {
    client.pushBlob("app", Fixtures.bytes(Fixtures.LAYER));
    client.pushBlob("app", Fixtures.bytes(Fixtures.OCI_CONFIG));
    assertEquals(201, client.putManifest("app", "latest", MediaTypes.DOCKER_MANIFEST,
        Fixtures.bytes(Fixtures.DOCKER_MANIFEST)).status());
    Digest signature = client.pushBlob("app", Fixtures.bytes(Fixtures.NOTARY_SIGNATURE));
    byte[] artifact = Fixtures.bytes(Fixtures.ORAS_ARTIFACT);
    assertEquals(201, client.putManifest("app", Digest.sha256(artifact).toString(),
        MediaTypes.ORAS_ARTIFACT_MANIFEST, artifact).status());
    collect(NOW.withDeleteUntagged(true));
    assertTrue(blobExists("app", signature));
    assertTrue(manifestExists("app", Digest.sha256(artifact)));
  }

  @Test
  void aBlobReferencedInOneRepositoryIsKeptForAll() {
    client.pushFixtureImage("app", "v1");
    Digest layer = Fixtures.digest(Fixtures.LAYER);
    assertEquals(201, client.post("/v2/mirror/blobs/uploads/?mount=" + layer + "&from=app", null)
        .status());
    collect(NOW);
    assertTrue(blobExists("mirror", layer));
  }

  @Test
  void theGracePeriodSparesRecentWrites() {
    Digest stray = client.pushBlob("app", bytes("fresh"));
    Digest untagged = client.pushSmallImage("app", "temp", "fresh-manifest");
    assertEquals(202, client.delete("/v2/app/manifests/temp").status());
    GcReport report = collect(GcOptions.defaults().withDeleteUntagged(true));
    assertEquals(List.of(), report.blobsRemoved());
    assertEquals(List.of(), report.manifestsRemoved());
    assertTrue(blobExists("app", stray));
    assertTrue(manifestExists("app", untagged));
  }

  @Test
  void aDryRunChangesNothingAndListsWhatWouldGo() {
    client.pushFixtureImage("app", "v1");
    Digest stray = client.pushBlob("app", bytes("stray"));
    Digest untagged = client.pushSmallImage("app", "temp", "dry");
    assertEquals(202, client.delete("/v2/app/manifests/temp").status());
    List<String> heard = new ArrayList<>();
    GcReport dry = collect(NOW.withDeleteUntagged(true).withDryRun(true).withListener(
        new GcListener() {
          @Override
          public void manifestRemoved(RepositoryName repository, Digest digest) {
            heard.add("manifest " + repository + "@" + digest);
          }

          @Override
          public void blobRemoved(Digest digest, long size) {
            heard.add("blob " + digest);
          }
        }));
    assertTrue(dry.dryRun());
    assertTrue(manifestExists("app", untagged));
    assertTrue(blobExists("app", stray));
    assertTrue(heard.contains("manifest app@" + untagged), heard::toString);
    assertTrue(heard.contains("blob " + stray), heard::toString);

    GcReport real = collect(NOW.withDeleteUntagged(true));
    assertEquals(Set.copyOf(dry.blobsRemoved()), Set.copyOf(real.blobsRemoved()));
    assertEquals(dry.manifestsRemoved(), real.manifestsRemoved());
    assertEquals(dry.bytesFreed(), real.bytesFreed());
    assertFalse(manifestExists("app", untagged));
    assertEquals(List.of(), collect(NOW.withDeleteUntagged(true)).blobsRemoved(),
        "a second collection finds nothing");
  }

  @Test
  void expiredUploadSessionsAreRemoved() throws Exception {
    Response started = client.post("/v2/app/blobs/uploads/", null);
    String location = started.header("Location");
    assertEquals(202, client.patch(location, bytes("partial")).status());
    // Make the session look a day old.
    String id = started.header("Docker-Upload-UUID");
    registry().storage().write(StoragePaths.uploadStartedAt(RepositoryName.parse("app"), id),
        bytes(java.time.Instant.now().minus(Duration.ofDays(1)).toString()));
    GcReport report = collect(NOW);
    assertEquals(1, report.uploadsRemoved());
    assertEquals(404, client.get(location).status());
  }

  @Test
  void theReportCountsWhatWasScanned() {
    client.pushFixtureImage("a", "v1");
    client.pushFixtureImage("b/c", "v1");
    GcReport report = collect(NOW);
    assertEquals(2, report.repositories());
    assertEquals(2, report.manifestsScanned());
    assertTrue(report.blobsScanned() >= 3);
    assertTrue(report.summary().contains("removed 0 manifests"), report.summary());
  }
}
