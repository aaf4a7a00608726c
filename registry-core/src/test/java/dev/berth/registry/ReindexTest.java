package dev.berth.registry;

import static dev.berth.registry.TestManifests.image;
import static dev.berth.registry.TestManifests.index;
import static dev.berth.registry.TestManifests.layer;
import static dev.berth.registry.TestManifests.orasArtifact;
import static dev.berth.registry.TestManifests.referrer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.layout.Links;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.DescriptorJson;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Registry#reindex()} and the repairs a start makes: a rebuild equals the index kept
 * incrementally; corrupt entries are skipped by listings and rewritten; entries no manifest backs
 * go; tags that cannot resolve go; a change a crash left half done is finished at the next start.
 * The repairs of index entries are tested on the storage-backed index, on heap storage too.
 */
@ParameterizedClass
@EnumSource(CoreHarness.StorageKind.class)
class ReindexTest extends CoreHarness {

  static final String SIG = "application/vnd.example.sig";

  /** Every pushed subject's whole listing, by "repository@subject". */
  final Map<String, Digest> subjects = new LinkedHashMap<>();

  Map<String, List<Descriptor>> listings() {
    Map<String, List<Descriptor>> all = new LinkedHashMap<>();
    subjects.forEach((key, subject) -> all.put(key, list(key.substring(0, key.indexOf('@')),
        subject)));
    return all;
  }

  List<Descriptor> list(String repository, Digest subject) {
    return registry.referrers(repo(repository), subject, null, null, 1000).referrers();
  }

  TestManifests.Built subject(String repository, String tag) {
    TestManifests.Built s = image("subject " + repository + " " + tag, List.of());
    put(repository, tag, s);
    subjects.put(repository + "@" + s.digest(), s.digest());
    return s;
  }

  /** Two repositories, three subjects, referrers of every kind, one of them deleted. */
  int pushReferrers() {
    byte[] sigBytes = utf8("signature");
    blob("one", sigBytes);
    TestManifests.Built a = subject("one", "a");
    TestManifests.Built b = subject("one", "b");
    TestManifests.Built c = subject("nested/two", "c");
    TestManifests.Built sbom = referrer("sbom", a, "application/spdx+json", List.of());
    put("one", sbom);
    subjects.put("one@" + sbom.digest(), sbom.digest());
    put("one", referrer("sbom signature", sbom, SIG, List.of()));
    put("one", index("bundle", List.of(), a, "application/vnd.example.bundle"));
    put("one", orasArtifact("oras", SIG, List.of(layer(sigBytes)), b));
    Digest gone = put("one", referrer("deleted later", b, SIG, List.of()));
    put("nested/two", referrer("two", c, SIG, List.of()));
    registry.manifests().delete(repo("one"), gone);
    return 5;
  }

  @Test
  void aRebuildEqualsTheIncrementallyKeptIndex() {
    open();
    int entries = pushReferrers();
    Map<String, List<Descriptor>> kept = listings();

    ReindexReport report = registry.reindex();

    assertEquals(kept, listings());
    assertEquals(2, report.repositories());
    assertEquals(entries, report.entries());
    assertEquals(0, report.added(), "the incrementally kept index lacked nothing");
    assertEquals(0, report.removed(), "and held nothing extra");

    // From nothing: without its entries and its marker, a start rebuilds the same index.
    for (String repository : List.of("one", "nested/two")) {
      storage().delete(StoragePaths.referrersDirectory(repo(repository)));
    }
    storage().delete(StoragePaths.referrersIndexVersion());
    restart(b -> b);

    ReindexReport atStart = registry.startReport().reindexed().orElseThrow();
    assertEquals(entries, atStart.added());
    assertEquals(kept, listings());
  }

  /** Garbage in an entry: the listing skips it and shows the rest; reindex rewrites it. */
  @Test
  void aCorruptEntryIsSkippedByListingsAndRewrittenByReindex() {
    storageIndex = true;
    open();
    TestManifests.Built subject = subject("app", "v1");
    TestManifests.Built first = referrer("first", subject, SIG, List.of());
    TestManifests.Built second = referrer("second", subject, SIG, List.of());
    TestManifests.Built third = referrer("third", subject, SIG, List.of());
    put("app", first);
    put("app", second);
    put("app", third);
    List<Descriptor> whole = list("app", subject.digest());
    RepositoryName app = repo("app");
    String firstEntry = StoragePaths.referrersEntry(app, subject.digest(), first.digest());
    byte[] firstBytes = storage().read(firstEntry);
    storage().write(firstEntry, new byte[] {0x7b, 0x22, (byte) 0xff, 0x00, 0x13});
    // Valid JSON, but the descriptor of another manifest than the entry's name says.
    storage().write(StoragePaths.referrersEntry(app, subject.digest(), second.digest()),
        DescriptorJson.toBytes(third.descriptor()));
    restart(b -> b);

    assertEquals(List.of(third.digest()), list("app", subject.digest()).stream()
        .map(Descriptor::digest).toList());

    ReindexReport report = registry.reindex();

    assertEquals(whole, list("app", subject.digest()));
    assertArrayEquals(firstBytes, storage().read(firstEntry));
    assertEquals(0, report.removed());
  }

  @Test
  void entriesWhoseManifestIsGoneAreRemoved() {
    storageIndex = true;
    open();
    TestManifests.Built subject = subject("app", "v1");
    TestManifests.Built kept = referrer("kept", subject, SIG, List.of());
    TestManifests.Built lost = referrer("lost", subject, SIG, List.of());
    put("app", kept);
    put("app", lost);
    RepositoryName app = repo("app");
    // The revision went without its entry (what an older version's delete could leave), and an
    // entry names a manifest the repository never had.
    storage().delete(StoragePaths.revisionDirectory(app, lost.digest()));
    Digest never = Digest.sha256(utf8("never a manifest here"));
    storage().write(StoragePaths.referrersEntry(app, subject.digest(), never),
        DescriptorJson.toBytes(new Descriptor(TestManifests.EMPTY_CONFIG.mediaType(), never, 21,
            SIG, Map.of())));

    ReindexReport report = registry.reindex();

    assertEquals(2, report.removed());
    assertEquals(List.of(kept.digest()), list("app", subject.digest()).stream()
        .map(Descriptor::digest).toList());
    assertTrue(storage().list(StoragePaths.referrersEntries(app, subject.digest())).size() == 1);
  }

  @Test
  void tagsThatCannotResolveAreRepaired() {
    open();
    TestManifests.Built kept = subject("app", "kept");
    subject("app", "half");
    TestManifests.Built dangling = subject("app", "dangling");
    RepositoryName app = repo("app");
    // A tag folder left without current/link; a tag naming a revision that is gone.
    storage().delete(StoragePaths.tagCurrentLink(app, Tag.parse("half")));
    storage().delete(StoragePaths.revisionDirectory(app, dangling.digest()));
    assertTrue(storage().stat(StoragePaths.tagDirectory(app, Tag.parse("half"))).isPresent());

    ReindexReport report = registry.reindex();

    assertEquals(2, report.tagsRepaired());
    assertTrue(storage().stat(StoragePaths.tagDirectory(app, Tag.parse("half"))).isEmpty());
    assertTrue(storage().stat(StoragePaths.tagDirectory(app, Tag.parse("dangling"))).isEmpty());
    assertEquals(List.of("kept"), registry.tags().list(app, null, 100).items());
    refused(ErrorCode.MANIFEST_UNKNOWN, () -> registry.manifests().get(app,
        Tag.parse("dangling")));
    assertEquals(kept.digest(), registry.manifests().get(app, Tag.parse("kept")).digest());
    assertEquals(0, registry.reindex().tagsRepaired(), "nothing is left to repair");
  }

  /**
   * A crash between the steps of a referrer's put (record and revision written, index entry not)
   * and of a new tag (folder written, current link not): the next start finishes both from the
   * records, without a full rebuild.
   */
  @Test
  void changesACrashLeftHalfDoneAreFinishedAtStart() {
    storageIndex = true;
    open();
    TestManifests.Built subject = subject("app", "v1");
    TestManifests.Built crashed = referrer("crashed while put", subject, SIG, List.of());
    RepositoryName app = repo("app");
    PendingChanges pending = new PendingChanges(storage());
    pending.beginManifest(app, crashed.digest());
    storage().write(StoragePaths.blobData(crashed.digest()), crashed.bytes());
    Links.write(storage(), StoragePaths.revisionLink(app, crashed.digest()), crashed.digest());
    Tag half = Tag.parse("half");
    pending.beginTag(app, half);
    Links.write(storage(), StoragePaths.tagIndexLink(app, half, subject.digest()),
        subject.digest());
    assertEquals(List.of(), list("app", subject.digest()));

    restart(b -> b);

    StartReport start = registry.startReport();
    assertEquals(2, start.changesFinished());
    assertTrue(start.reindexed().isEmpty(), "finished from the records, not by a rebuild");
    assertEquals(List.of(crashed.digest()), list("app", subject.digest()).stream()
        .map(Descriptor::digest).toList());
    assertTrue(storage().stat(StoragePaths.tagDirectory(app, half)).isEmpty());
    assertEquals(List.of(), storage().list(StoragePaths.pendingDirectory()));
    assertEquals(List.of("v1"), registry.tags().list(app, null, 100).items());
  }
}
