package dev.berth.registry;

import static dev.berth.registry.TestManifests.image;
import static dev.berth.registry.TestManifests.index;
import static dev.berth.registry.TestManifests.layer;
import static dev.berth.registry.TestManifests.referrer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Garbage collection in the core, aged by a {@link TestClock}: the grace period's boundary, the
 * roots (tags, untagged manifests unless {@code deleteUntagged}), what kept manifests keep (index
 * children, blobs, referrers while their subject lives), and expired uploads.
 */
@ParameterizedClass
@EnumSource(CoreHarness.StorageKind.class)
class GarbageCollectionTest extends CoreHarness {

  static final Duration GRACE = Duration.ofHours(1);
  static final GcOptions COLLECT = GcOptions.defaults().withGracePeriod(GRACE);
  static final GcOptions UNTAGGED_TOO = COLLECT.withDeleteUntagged(true);

  GcReport collect(GcOptions options) {
    return registry.collectGarbage(options);
  }

  static List<String> sorted(Digest... digests) {
    return Stream.of(digests).map(Digest::toString).sorted().toList();
  }

  /**
   * An object written exactly {@code grace} before the collection starts is spared, as is one a
   * millisecond younger; one a millisecond older is collected.
   */
  @Test
  void theGracePeriodBoundary() {
    open();
    Digest older = blob("app", "written one millisecond before the boundary");
    clock.advance(Duration.ofMillis(1));
    Digest exact = blob("app", "written exactly at the boundary");
    clock.advance(Duration.ofMillis(1));
    Digest younger = blob("app", "written one millisecond after the boundary");
    clock.advance(GRACE.minusMillis(1));

    GcReport report = collect(COLLECT);

    assertEquals(List.of(older.toString()), report.blobsRemoved());
    assertFalse(hasBlobData(older));
    assertFalse(hasLayerLink("app", older));
    assertTrue(hasBlobData(exact));
    assertTrue(hasBlobData(younger));
  }

  /** The same boundary for untagged manifests under {@code deleteUntagged}: the revision's age. */
  @Test
  void theGracePeriodBoundaryForManifests() {
    open();
    byte[] layerOld = utf8("layer of the older manifest");
    blob("app", layerOld);
    Digest older = put("app", image("older", List.of(layer(layerOld))));
    clock.advance(Duration.ofMillis(1));
    Digest exact = put("app", image("exact", List.of()));
    clock.advance(Duration.ofMillis(1));
    Digest younger = put("app", image("younger", List.of()));
    clock.advance(GRACE.minusMillis(1));

    GcReport report = collect(UNTAGGED_TOO);

    assertEquals(List.of("app@" + older), report.manifestsRemoved());
    assertEquals(sorted(older, Digest.sha256(layerOld)), report.blobsRemoved());
    assertFalse(hasManifest("app", older));
    assertTrue(hasManifest("app", exact));
    assertTrue(hasManifest("app", younger));
    assertTrue(hasBlobData(Digest.EMPTY_JSON), "the empty config, named by the kept ones");
  }

  @Test
  void untaggedManifestsAreKeptUnlessDeleteUntagged() {
    open();
    byte[] shared = utf8("a layer both images use");
    byte[] own = utf8("a layer only the untagged image uses");
    blob("app", shared);
    blob("app", own);
    Digest tagged = put("app", "v1", image("tagged", List.of(layer(shared))));
    Digest untagged = put("app", image("untagged", List.of(layer(shared), layer(own))));
    clock.advance(GRACE.plusSeconds(1));

    assertEquals(List.of(), collect(COLLECT).manifestsRemoved());
    assertTrue(hasManifest("app", untagged));

    GcReport report = collect(UNTAGGED_TOO);

    assertEquals(List.of("app@" + untagged), report.manifestsRemoved());
    assertEquals(sorted(untagged, Digest.sha256(own)), report.blobsRemoved());
    assertTrue(hasManifest("app", tagged));
    assertTrue(hasBlobData(Digest.sha256(shared)));
    refused(ErrorCode.MANIFEST_UNKNOWN, () -> registry.manifests().get(repo("app"), untagged));
  }

  @Test
  void anIndexKeepsItsChildren() {
    open();
    byte[] amdLayer = utf8("amd64 layer");
    byte[] armLayer = utf8("arm64 layer");
    blob("app", amdLayer);
    blob("app", armLayer);
    TestManifests.Built amd = image("amd64", List.of(layer(amdLayer)));
    TestManifests.Built arm = image("arm64", List.of(layer(armLayer)));
    put("app", amd);
    put("app", arm);
    Digest multi = put("app", "multi", index("multi", List.of(amd, arm), null, null));
    clock.advance(GRACE.plusSeconds(1));

    assertEquals(List.of(), collect(UNTAGGED_TOO).manifestsRemoved());
    assertTrue(hasManifest("app", amd.digest()));
    assertTrue(hasManifest("app", arm.digest()));
    assertTrue(hasBlobData(Digest.sha256(armLayer)));

    registry.manifests().delete(repo("app"), Tag.parse("multi"));
    GcReport report = collect(UNTAGGED_TOO);

    assertEquals(Stream.of(multi, amd.digest(), arm.digest()).map(d -> "app@" + d).sorted()
        .toList(), report.manifestsRemoved().stream().sorted().toList());
    assertFalse(hasBlobData(Digest.sha256(amdLayer)));
    assertFalse(hasBlobData(Digest.EMPTY_JSON));
  }

  /**
   * A referrer lives while its subject lives, recursively, or while it is tagged; one whose subject
   * never existed has nothing to keep it (referrers are not roots, even without deleteUntagged).
   */
  @Test
  void referrersLiveWhileTheirSubjectLivesOrWhileTagged() {
    open();
    TestManifests.Built subject = image("subject", List.of());
    put("app", "v1", subject);
    TestManifests.Built sbomBuilt = referrer("sbom", subject, "application/spdx+json", List.of());
    Digest sbom = put("app", sbomBuilt);
    Digest sbomSig = put("app", referrer("sbom-sig", sbomBuilt, "application/vnd.example.sig",
        List.of()));
    Digest taggedSig = put("app", "sig", referrer("tagged-sig", subject,
        "application/vnd.example.sig", List.of()));
    TestManifests.Built absent = image("never pushed", List.of());
    Digest stray = put("app", referrer("stray", absent, "application/vnd.example.sig", List.of()));
    clock.advance(GRACE.plusSeconds(1));

    GcReport first = collect(COLLECT);

    assertEquals(List.of("app@" + stray), first.manifestsRemoved());
    assertEquals(1, first.referrersEntriesRemoved());
    assertTrue(hasManifest("app", sbom));
    assertTrue(hasManifest("app", sbomSig));
    assertTrue(hasManifest("app", taggedSig));
    assertEquals(List.of(), referrerDigests(absent.digest()));

    registry.manifests().delete(repo("app"), subject.digest());
    GcReport second = collect(COLLECT);

    assertEquals(Stream.of(sbom, sbomSig).map(d -> "app@" + d).sorted().toList(),
        second.manifestsRemoved().stream().sorted().toList());
    assertEquals(2, second.referrersEntriesRemoved());
    assertTrue(hasManifest("app", taggedSig), "a tagged referrer outlives its subject");
    assertEquals(List.of(taggedSig), referrerDigests(subject.digest()));
    assertEquals(List.of(), referrerDigests(sbom));
  }

  @Test
  void blobsNoKeptManifestNamesAreCollectedWithTheirRepositoryLinks() {
    open();
    byte[] stray = utf8("uploaded into two repositories, named by nothing");
    byte[] used = utf8("named by a tagged image in one repository");
    blob("one", stray);
    blob("two", stray);
    blob("one", used);
    blob("two", used);
    put("one", "v1", image("user", List.of(layer(used))));
    clock.advance(GRACE.plusSeconds(1));

    GcReport report = collect(COLLECT);

    Digest strayDigest = Digest.sha256(stray);
    assertEquals(List.of(strayDigest.toString()), report.blobsRemoved());
    assertEquals(stray.length, report.bytesFreed());
    assertFalse(hasBlobData(strayDigest));
    assertFalse(hasLayerLink("one", strayDigest));
    assertFalse(hasLayerLink("two", strayDigest));
    Digest usedDigest = Digest.sha256(used);
    assertTrue(hasBlobData(usedDigest));
    assertTrue(registry.blobs().stat(repo("two"), usedDigest).isPresent(),
        "a blob some kept manifest names stays visible in every repository that links it");
  }

  @Test
  void expiredUploadsArePurged() {
    open(b -> b.uploadMaxAge(Duration.ofHours(2)));
    UploadStatus old = registry.uploads().start(repo("app"));
    registry.uploads().append(repo("app"), old.id(), new ByteArrayInputStream(utf8("part")), null,
        4);
    clock.advance(Duration.ofHours(1));
    UploadStatus fresh = registry.uploads().start(repo("app"));
    clock.advance(Duration.ofHours(1));

    assertEquals(0, collect(COLLECT).uploadsRemoved(), "exactly the maximum age is not expired");
    clock.advance(Duration.ofMillis(1));
    GcReport report = collect(COLLECT);

    assertEquals(1, report.uploadsRemoved());
    refused(ErrorCode.BLOB_UPLOAD_UNKNOWN, () -> registry.uploads().status(repo("app"),
        old.id()));
    assertTrue(storage().stat(StoragePaths.uploadDirectory(repo("app"), old.id())).isEmpty());
    assertEquals(0, registry.uploads().status(repo("app"), fresh.id()).size());
  }

  /**
   * With a registry clock two hours ahead of the wall clock, a blob written one second ago is one
   * second old: storage times come from the same clock (they once came from the wall clock, which
   * made everything look two hours old to the collector).
   */
  @Test
  void aClockAheadOfTheWallClockDoesNotAgeFreshObjects() {
    clock = new TestClock(Instant.now().plus(Duration.ofHours(2)));
    open();
    Digest fresh = blob("app", "written a second before the collection");
    Digest untagged = put("app", image("fresh untagged", List.of()));
    clock.advance(Duration.ofSeconds(1));

    GcReport report = collect(GcOptions.defaults().withDeleteUntagged(true));

    assertEquals(List.of(), report.blobsRemoved());
    assertEquals(List.of(), report.manifestsRemoved());
    assertTrue(hasBlobData(fresh));
    assertTrue(hasManifest("app", untagged));

    clock.advance(GcOptions.DEFAULT_GRACE_PERIOD);
    assertEquals(sorted(fresh, untagged, Digest.EMPTY_JSON),
        collect(GcOptions.defaults().withDeleteUntagged(true)).blobsRemoved());
  }

  @Test
  void aDryRunChangesNothingAndReportsWhatWouldGo() {
    open();
    Digest stray = blob("app", "would go");
    Digest untagged = put("app", image("would go too", List.of()));
    clock.advance(GRACE.plusSeconds(1));
    Map<String, String> before = snapshot();

    GcReport report = collect(UNTAGGED_TOO.withDryRun(true));

    assertEquals(List.of("app@" + untagged), report.manifestsRemoved());
    assertEquals(sorted(stray, untagged, Digest.EMPTY_JSON), report.blobsRemoved());
    assertEquals(before, snapshot());
  }

  private List<Digest> referrerDigests(Digest subject) {
    return registry.referrers(repo("app"), subject, null, null, 100).referrers().stream()
        .map(Descriptor::digest).toList();
  }
}
