package dev.berth.registry;

import static dev.berth.registry.TestManifests.image;
import static dev.berth.registry.TestManifests.index;
import static dev.berth.registry.TestManifests.layer;
import static dev.berth.registry.TestManifests.orasArtifact;
import static dev.berth.registry.TestManifests.referrer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.referrers.ReferrersPage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A subject's referrers through {@link Registry#referrers}: the three kinds of referrer (an OCI
 * image manifest and an OCI index with {@code subject}, an ORAS artifact manifest), the filter,
 * paging, and what deletes do to the listing, with and without {@code deleteReferrersWithSubject}.
 */
@ParameterizedClass
@EnumSource(CoreHarness.StorageKind.class)
class ReferrersLifecycleCoreTest extends CoreHarness {

  static final String SBOM = "application/spdx+json";
  static final String SIG = "application/vnd.example.sig";
  static final String BUNDLE = "application/vnd.example.bundle";

  TestManifests.Built subject;
  TestManifests.Built sbom;
  TestManifests.Built bundle;
  TestManifests.Built signature;

  /** A tagged subject with an image-manifest, an index and an ORAS artifact referrer. */
  void pushSubjectAndReferrers() {
    byte[] sigBytes = utf8("signature bytes");
    blob("app", sigBytes);
    subject = image("subject", List.of());
    put("app", "v1", subject);
    sbom = referrer("sbom", subject, SBOM, List.of());
    put("app", sbom);
    TestManifests.Built child = image("bundle child", List.of());
    put("app", child);
    bundle = index("bundle", List.of(child), subject, BUNDLE);
    put("app", bundle);
    signature = orasArtifact("signature", SIG, List.of(layer(sigBytes)), subject);
    put("app", signature);
  }

  List<Descriptor> all(Digest of, String artifactType) {
    return registry.referrers(repo("app"), of, artifactType, null, 1000).referrers();
  }

  List<Digest> digests(Digest of) {
    return all(of, null).stream().map(Descriptor::digest).toList();
  }

  static Descriptor entry(TestManifests.Built m, String artifactType, String seed) {
    return new Descriptor(m.mediaType(), m.digest(), m.bytes().length, artifactType,
        Map.of("seed", seed));
  }

  @Test
  void listsEveryKindOfReferrerInDigestOrderWithItsFields() {
    open();
    pushSubjectAndReferrers();

    List<Descriptor> expected = new ArrayList<>(List.of(entry(sbom, SBOM, "sbom"),
        entry(bundle, BUNDLE, "bundle"), entry(signature, SIG, "signature")));
    expected.sort(Comparator.comparing(d -> d.digest().toString()));
    assertEquals(expected, all(subject.digest(), null));
    assertEquals(List.of(entry(signature, SIG, "signature")), all(subject.digest(), SIG));
    assertEquals(List.of(entry(bundle, BUNDLE, "bundle")), all(subject.digest(), BUNDLE));
    assertEquals(List.of(), all(subject.digest(), "application/vnd.example.none"));
    assertEquals(List.of(), all(Digest.sha256(utf8("no such subject")), null));
  }

  @Test
  void pagesWalkEveryReferrerOnceInOrder() {
    open();
    pushSubjectAndReferrers();
    List<Digest> whole = digests(subject.digest());

    List<Digest> walked = new ArrayList<>();
    Digest after = null;
    int pages = 0;
    do {
      ReferrersPage page = registry.referrers(repo("app"), subject.digest(), null, after, 1);
      assertEquals(1, page.referrers().size());
      page.referrers().forEach(d -> walked.add(d.digest()));
      after = page.next().orElse(null);
      pages++;
    } while (after != null);

    assertEquals(3, pages);
    assertEquals(whole, walked);
    ReferrersPage twoOfThree = registry.referrers(repo("app"), subject.digest(), null, null, 2);
    assertEquals(Optional.of(whole.get(1)), twoOfThree.next());
    ReferrersPage filtered = registry.referrers(repo("app"), subject.digest(), SBOM, null, 1);
    assertEquals(List.of(sbom.digest()), filtered.referrers().stream().map(Descriptor::digest)
        .toList());
    assertEquals(Optional.empty(), filtered.next(), "no further page of the filtered listing");
  }

  @Test
  void deletingAReferrerRemovesItsEntry() {
    open();
    pushSubjectAndReferrers();

    registry.manifests().delete(repo("app"), bundle.digest());

    assertFalse(digests(subject.digest()).contains(bundle.digest()));
    assertEquals(2, digests(subject.digest()).size());
    assertEquals(List.of(), all(subject.digest(), BUNDLE));
  }

  /** Without the option, referrers stay listed (and stored) until garbage collection. */
  @Test
  void deletingTheSubjectLeavesReferrersByDefault() {
    open();
    pushSubjectAndReferrers();
    List<Digest> before = digests(subject.digest());

    registry.manifests().delete(repo("app"), subject.digest());

    assertFalse(hasManifest("app", subject.digest()));
    assertEquals(before, digests(subject.digest()));
    assertTrue(hasManifest("app", sbom.digest()));
    assertTrue(hasManifest("app", signature.digest()));
  }

  /**
   * With the option, the subject's untagged referrers go at once, and theirs, recursively; a
   * tagged referrer stays, listed under its subject still.
   */
  @Test
  void deletingTheSubjectDeletesUntaggedReferrersRecursivelyWhenConfigured() {
    open(b -> b.deleteReferrersWithSubject(true));
    pushSubjectAndReferrers();
    TestManifests.Built counter = referrer("counter-signature", sbom, SIG, List.of());
    put("app", counter);
    put("app", "keep-sig", signature);

    registry.manifests().delete(repo("app"), subject.digest());

    assertFalse(hasManifest("app", subject.digest()));
    assertFalse(hasManifest("app", sbom.digest()));
    assertFalse(hasManifest("app", bundle.digest()));
    assertFalse(hasManifest("app", counter.digest()), "a referrer of a referrer goes too");
    assertTrue(hasManifest("app", signature.digest()), "a tagged referrer stays");
    assertEquals(List.of(signature.digest()), digests(subject.digest()));
    assertEquals(List.of(), digests(sbom.digest()));
    assertEquals(signature.digest(), registry.manifests().get(repo("app"),
        Tag.parse("keep-sig")).digest());
  }

  /**
   * OCI image manifests and indexes may name a subject that is not there yet (OCI MUST); the
   * listing shows them at once and still once the subject arrives. An ORAS artifact may not.
   */
  @Test
  void aReferrerMayArriveBeforeItsSubject() {
    open();
    TestManifests.Built later = image("pushed later", List.of());
    TestManifests.Built early = referrer("early", later, SBOM, List.of());
    put("app", early);
    TestManifests.Built earlyIndex = index("early index", List.of(), later, BUNDLE);
    put("app", earlyIndex);

    List<Digest> expected = new ArrayList<>(List.of(early.digest(), earlyIndex.digest()));
    expected.sort(Comparator.comparing(Digest::toString));
    assertEquals(expected, digests(later.digest()));

    Map<String, String> before = snapshot();
    RegistryException e = refused(ErrorCode.MANIFEST_BLOB_UNKNOWN,
        () -> put("app", orasArtifact("early oras", SIG, List.of(), later)));
    assertEquals(later.digest().toString(), ((Map<?, ?>) e.errors().get(0).detail())
        .get("digest"));
    assertEquals(before, snapshot(), "a refused ORAS artifact writes nothing");

    put("app", "v1", later);
    assertEquals(expected, digests(later.digest()));
    put("app", orasArtifact("late oras", SIG, List.of(), later));
    assertEquals(3, digests(later.digest()).size());
    assertEquals(MediaTypes.ORAS_ARTIFACT_MANIFEST, all(later.digest(), SIG).get(0).mediaType());
  }
}
