package dev.berth.registry.referrers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReferrersIndex} must do. An implementation's test says how to make one. After
 * each test the suite removes, one by one, every entry the index still lists and checks that none
 * is left, before it clears the repositories for the next test.
 */
public abstract class ReferrersIndexContract {

  protected abstract ReferrersIndex create() throws Exception;

  /** A second view of the same index data, as another instance sharing the storage would see it. */
  protected ReferrersIndex secondInstance() throws Exception {
    return null;
  }

  protected ReferrersIndex index;

  static final RepositoryName REPO = RepositoryName.parse("app/web");
  static final RepositoryName OTHER = RepositoryName.parse("app/other");
  static final Digest SUBJECT = d("subject");

  static Digest d(String seed) {
    return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
  }

  static Descriptor referrer(String seed, String artifactType) {
    return new Descriptor(MediaTypes.OCI_MANIFEST, d(seed), seed.length() + 100, artifactType,
        Map.of("org.example.seed", seed));
  }

  @BeforeEach
  void setUpIndex() throws Exception {
    index = create();
  }

  @AfterEach
  void removesEveryEntryItLists() {
    try {
      for (RepositoryName repository : List.of(REPO, OTHER)) {
        List<Digest[]> entries = new ArrayList<>();
        index.forEach(repository, (s, r) -> entries.add(new Digest[] {s, r}));
        for (Digest[] e : entries) {
          index.remove(repository, e[0], e[1]);
        }
        for (Digest[] e : entries) {
          assertEquals(List.of(), index.list(repository, e[0], null, null, 1000).referrers(),
              "referrers of " + e[0] + " after removing each");
        }
        List<String> left = new ArrayList<>();
        index.forEach(repository, (s, r) -> left.add(s + " " + r));
        assertEquals(List.of(), left, "entries left in " + repository);
      }
      assertTrue(index.list(REPO, SUBJECT, null, null, 10).referrers().isEmpty());
    } finally {
      index.clear(REPO);
      index.clear(OTHER);
    }
  }

  @Test
  void unknownSubjectHasAnEmptyPage() {
    ReferrersPage page = index.list(REPO, d("nothing"), null, null, 10);
    assertEquals(List.of(), page.referrers());
    assertTrue(page.next().isEmpty());
  }

  @Test
  void keepsTheDescriptorFields() {
    Descriptor sig = new Descriptor(MediaTypes.OCI_MANIFEST, d("sig"), 750,
        "application/vnd.cncf.notary.signature",
        Map.of("io.cncf.notary.x509chain.thumbprint#S256", "[\"abc\"]", "b", "2"));
    index.add(REPO, SUBJECT, sig);
    assertEquals(List.of(sig), index.list(REPO, SUBJECT, null, null, 10).referrers());
  }

  @Test
  void listsInAscendingDigestOrder() {
    Set<Digest> expected = new TreeSet<>();
    for (int i = 0; i < 30; i++) {
      Descriptor r = referrer("r" + i, "type/a");
      index.add(REPO, SUBJECT, r);
      expected.add(r.digest());
    }
    List<Digest> listed = new ArrayList<>();
    index.list(REPO, SUBJECT, null, null, 100).referrers().forEach(r -> listed.add(r.digest()));
    assertEquals(new ArrayList<>(expected), listed);
  }

  @Test
  void addIsIdempotentAndReplaces() {
    index.add(REPO, SUBJECT, referrer("x", "type/a"));
    index.add(REPO, SUBJECT, referrer("x", "type/a"));
    assertEquals(1, index.list(REPO, SUBJECT, null, null, 10).referrers().size());
    Descriptor retyped = referrer("x", "type/b");
    index.add(REPO, SUBJECT, retyped);
    assertEquals(List.of(retyped), index.list(REPO, SUBJECT, null, null, 10).referrers());
    assertEquals(List.of(), index.list(REPO, SUBJECT, "type/a", null, 10).referrers());
    assertEquals(List.of(retyped), index.list(REPO, SUBJECT, "type/b", null, 10).referrers());
  }

  @Test
  void removesAtOnce() {
    index.add(REPO, SUBJECT, referrer("a", "t"));
    index.add(REPO, SUBJECT, referrer("b", "t"));
    index.remove(REPO, SUBJECT, d("a"));
    assertEquals(List.of(referrer("b", "t")), index.list(REPO, SUBJECT, null, null, 10).referrers());
    assertEquals(List.of(referrer("b", "t")), index.list(REPO, SUBJECT, "t", null, 10).referrers());
    index.remove(REPO, SUBJECT, d("never added"));
    index.remove(REPO, d("no subject"), d("b"));
    assertEquals(1, index.list(REPO, SUBJECT, null, null, 10).referrers().size());
  }

  @Test
  void filtersByArtifactType() {
    for (int i = 0; i < 10; i++) {
      index.add(REPO, SUBJECT, referrer("sig" + i, "application/vnd.cncf.notary.signature"));
      index.add(REPO, SUBJECT, referrer("sbom" + i, "application/spdx+json"));
    }
    index.add(REPO, SUBJECT, referrer("untyped", null));
    List<Descriptor> sboms = index.list(REPO, SUBJECT, "application/spdx+json", null, 100)
        .referrers();
    assertEquals(10, sboms.size());
    sboms.forEach(r -> assertEquals("application/spdx+json", r.artifactType()));
    assertEquals(21, index.list(REPO, SUBJECT, null, null, 100).referrers().size());
    assertEquals(0, index.list(REPO, SUBJECT, "none/such", null, 100).referrers().size());
  }

  @Test
  void pagesWithACursor() {
    for (int i = 0; i < 25; i++) {
      index.add(REPO, SUBJECT, referrer("p" + i, i % 2 == 0 ? "even" : "odd"));
    }
    List<Digest> all = walk(index, null, 7);
    assertEquals(25, all.size());
    assertEquals(25, new HashSet<>(all).size());
    List<Digest> even = walk(index, "even", 4);
    assertEquals(13, even.size());
    ReferrersPage exact = index.list(REPO, SUBJECT, "odd", null, 12);
    assertEquals(12, exact.referrers().size());
    assertTrue(exact.next().isEmpty(), "no next page when the page ends the list");
  }

  @Test
  void subjectsAndRepositoriesAreSeparate() {
    index.add(REPO, SUBJECT, referrer("one", "t"));
    index.add(REPO, d("other subject"), referrer("two", "t"));
    index.add(OTHER, SUBJECT, referrer("three", "t"));
    assertEquals(List.of(referrer("one", "t")), index.list(REPO, SUBJECT, null, null, 10).referrers());
    assertEquals(List.of(referrer("three", "t")),
        index.list(OTHER, SUBJECT, null, null, 10).referrers());
    Map<Digest, Digest> seen = new HashMap<>();
    index.forEach(REPO, (s, r) -> seen.put(r, s));
    assertEquals(Map.of(d("one"), SUBJECT, d("two"), d("other subject")), seen);
    index.clear(REPO);
    assertEquals(List.of(), index.list(REPO, SUBJECT, null, null, 10).referrers());
    assertEquals(1, index.list(OTHER, SUBJECT, null, null, 10).referrers().size());
  }

  /**
   * A walk stays stable while entries come and go between pages: every entry present for the whole
   * walk is returned exactly once.
   */
  @Test
  void cursorWalkIsStableUnderConcurrentChanges() {
    Set<Digest> permanent = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      Descriptor r = referrer("stable" + i, "t");
      index.add(REPO, SUBJECT, r);
      permanent.add(r.digest());
    }
    for (int i = 0; i < 20; i++) {
      index.add(REPO, SUBJECT, referrer("doomed" + i, "t"));
    }
    List<Digest> seen = new ArrayList<>();
    Digest after = null;
    int round = 0;
    do {
      ReferrersPage page = index.list(REPO, SUBJECT, null, after, 9);
      page.referrers().forEach(r -> seen.add(r.digest()));
      after = page.next().orElse(null);
      index.add(REPO, SUBJECT, referrer("new" + round, "t"));
      if (round < 20) {
        index.remove(REPO, SUBJECT, d("doomed" + round));
      }
      round++;
    } while (after != null);
    List<Digest> permanentSeen = seen.stream().filter(permanent::contains).toList();
    assertEquals(permanent.size(), permanentSeen.size(), "each permanent entry once");
    assertEquals(permanent, new HashSet<>(permanentSeen));
    assertEquals(seen.size(), new HashSet<>(seen).size(), "no entry twice");
  }

  @Test
  void anotherInstanceSeesChanges() throws Exception {
    ReferrersIndex other = secondInstance();
    assumeTrue(other != null, "this index lives in one process only");
    index.add(REPO, SUBJECT, referrer("a", "t"));
    assertEquals(1, other.list(REPO, SUBJECT, null, null, 10).referrers().size());
    other.add(REPO, SUBJECT, referrer("b", "t"));
    assertEquals(2, index.list(REPO, SUBJECT, null, null, 10).referrers().size());
    other.remove(REPO, SUBJECT, d("a"));
    assertEquals(List.of(referrer("b", "t")), index.list(REPO, SUBJECT, null, null, 10).referrers());
    index.remove(REPO, SUBJECT, d("b"));
    assertEquals(List.of(), other.list(REPO, SUBJECT, null, null, 10).referrers());
  }

  private static List<Digest> walk(ReferrersIndex index, String type, int n) {
    List<Digest> seen = new ArrayList<>();
    Digest after = null;
    do {
      ReferrersPage page = index.list(REPO, SUBJECT, type, after, n);
      assertTrue(page.referrers().size() <= n);
      page.referrers().forEach(r -> seen.add(r.digest()));
      after = page.next().orElse(null);
    } while (after != null);
    return seen;
  }
}
