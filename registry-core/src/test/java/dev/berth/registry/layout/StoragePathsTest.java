package dev.berth.registry.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every path of the on-disk format, pinned: changing one breaks registry:2 compatibility. */
class StoragePathsTest {

  static final Digest D = Digest.parse(
      "sha256:2782fed4cc943d5dd9cc658f352982d2cd0979bcb86e0669ccd8a1f71957646b");
  static final Digest R = Digest.parse(
      "sha256:4883ff458f5e332f6633b4132a0789501d23285cfbd867e0adb1dc8e1ea2c587");
  static final RepositoryName N = RepositoryName.parse("library/app");
  static final Tag T = Tag.parse("v1.0");
  static final String V2 = "docker/registry/v2/";
  static final String REPO = V2 + "repositories/library/app/";

  @Test
  void goldenTable() {
    Map<String, String> golden = new LinkedHashMap<>();
    golden.put(StoragePaths.blobData(D),
        V2 + "blobs/sha256/27/2782fed4cc943d5dd9cc658f352982d2cd0979bcb86e0669ccd8a1f71957646b/data");
    golden.put(StoragePaths.layerLink(N, D),
        REPO + "_layers/sha256/2782fed4cc943d5dd9cc658f352982d2cd0979bcb86e0669ccd8a1f71957646b/link");
    golden.put(StoragePaths.revisionLink(N, D), REPO
        + "_manifests/revisions/sha256/2782fed4cc943d5dd9cc658f352982d2cd0979bcb86e0669ccd8a1f71957646b/link");
    golden.put(StoragePaths.tagCurrentLink(N, T), REPO + "_manifests/tags/v1.0/current/link");
    golden.put(StoragePaths.tagIndexLink(N, T, D), REPO
        + "_manifests/tags/v1.0/index/sha256/2782fed4cc943d5dd9cc658f352982d2cd0979bcb86e0669ccd8a1f71957646b/link");
    golden.put(StoragePaths.uploadStartedAt(N, "u-1"), REPO + "_uploads/u-1/startedat");
    golden.put(StoragePaths.uploadPart(N, "u-1", 1024), REPO
        + "_uploads/u-1/_berth/parts/00000000000000001024");
    golden.put(StoragePaths.uploadDigest(N, "u-1", "00000000000000001024.w1"), REPO
        + "_uploads/u-1/_berth/digests/00000000000000001024.w1");
    golden.put(StoragePaths.referrersGeneration(N, D), REPO
        + "_referrers/subjects/sha256/2782fed4cc943d5dd9cc658f352982d2cd0979bcb86e0669ccd8a1f71957646b/generation");
    golden.put(StoragePaths.referrersEntry(N, D, R), REPO
        + "_referrers/subjects/sha256/2782fed4cc943d5dd9cc658f352982d2cd0979bcb86e0669ccd8a1f71957646b/entries/"
        + "sha256-4883ff458f5e332f6633b4132a0789501d23285cfbd867e0adb1dc8e1ea2c587");
    golden.put(StoragePaths.referrersIndexVersion(), V2 + "_berth/referrers-index-version");
    golden.put(StoragePaths.gcLease(7), V2 + "_berth/gc/lease/00000000000000000007");
    golden.put(StoragePaths.healthProbe("p1"), V2 + "_berth/health/p1");
    golden.put(StoragePaths.gcSweeping(D), V2 + "_berth/gc/sweeping/"
        + "sha256-2782fed4cc943d5dd9cc658f352982d2cd0979bcb86e0669ccd8a1f71957646b");
    golden.put(StoragePaths.proxyTag(N, T), REPO + "_berth/proxy/tags/v1.0");
    golden.put(StoragePaths.proxyReferrers(N, D), REPO + "_berth/proxy/referrers/"
        + "sha256-2782fed4cc943d5dd9cc658f352982d2cd0979bcb86e0669ccd8a1f71957646b");
    golden.forEach((actual, expected) -> assertEquals(expected, actual));
  }

  @Test
  void parsesItsOwnNamesBack() {
    assertEquals(D, StoragePaths.digestOfBlobData(StoragePaths.blobData(D)));
    assertNull(StoragePaths.digestOfBlobData(V2 + "blobs/sha256/27/x/data"));
    assertNull(StoragePaths.digestOfBlobData(StoragePaths.layerLink(N, D)));
    assertEquals(R, StoragePaths.digestOfEntryName(StoragePaths.entryName(R)));
    assertNull(StoragePaths.digestOfEntryName("generation"));
  }
}
