package dev.berth.registry.referrers;

import dev.berth.registry.storage.FileSystemStorage;
import dev.berth.registry.storage.Storage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The storage-backed index on a directory; a second instance on the same directory shares it. */
class StorageReferrersIndexTest extends ReferrersIndexContract {
  @TempDir
  Path root;

  private Storage storage;

  @Override
  protected ReferrersIndex create() {
    storage = FileSystemStorage.at(root);
    return new StorageReferrersIndex(storage);
  }

  @Override
  protected ReferrersIndex secondInstance() {
    return new StorageReferrersIndex(FileSystemStorage.at(root));
  }

  /** A cold start reads a large subject from one snapshot object, and only while it is current. */
  @org.junit.jupiter.api.Test
  void largeSubjectsLoadFromASnapshotTakenAtTheCurrentGeneration() {
    java.util.List<dev.berth.registry.oci.Descriptor> many = new java.util.ArrayList<>();
    for (int i = 0; i < StorageReferrersIndex.SNAPSHOT_THRESHOLD + 100; i++) {
      many.add(referrer("bulk" + i, i % 3 == 0 ? "type/a" : "type/b"));
    }
    index.addAll(REPO, SUBJECT, many);
    String snapshot = dev.berth.registry.layout.StoragePaths.referrersSnapshot(REPO, SUBJECT);
    org.junit.jupiter.api.Assertions.assertTrue(storage.stat(snapshot).isEmpty());

    ReferrersIndex cold = secondInstance();
    org.junit.jupiter.api.Assertions.assertEquals(many.size(),
        cold.list(REPO, SUBJECT, null, null, 10_000).referrers().size());
    org.junit.jupiter.api.Assertions.assertTrue(storage.stat(snapshot).isPresent(),
        "the instance that read the entries one by one left a snapshot");

    // The snapshot is what a later cold start reads: remove one entry behind the index's back
    // (the generation stays), and a cold instance still lists it.
    storage.delete(dev.berth.registry.layout.StoragePaths.referrersEntry(REPO, SUBJECT,
        many.get(0).digest()));
    ReferrersIndex fromSnapshot = secondInstance();
    org.junit.jupiter.api.Assertions.assertEquals(many.size(),
        fromSnapshot.list(REPO, SUBJECT, null, null, 10_000).referrers().size());
    org.junit.jupiter.api.Assertions.assertEquals(many.stream().filter(d -> "type/a".equals(
        d.artifactType())).count(), fromSnapshot.list(REPO, SUBJECT, "type/a", null, 10_000)
        .referrers().size());

    // Any change makes the snapshot stale: the next cold start reads the entries again.
    index.add(REPO, SUBJECT, referrer("one more", "type/a"));
    org.junit.jupiter.api.Assertions.assertEquals(many.size(),
        secondInstance().list(REPO, SUBJECT, null, null, 10_000).referrers().size(),
        "the removed entry is gone and the new one is there");
  }

  /** A writer killed between a subject's first entry and its generation loses nothing. */
  @org.junit.jupiter.api.Test
  void anEntryWithoutAGenerationIsListed() {
    dev.berth.registry.oci.Descriptor first = referrer("first", "type/a");
    storage.write(dev.berth.registry.layout.StoragePaths.referrersEntry(REPO, SUBJECT,
        first.digest()), dev.berth.registry.oci.DescriptorJson.toBytes(first));
    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(first),
        secondInstance().list(REPO, SUBJECT, null, null, 10).referrers());
    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(first),
        index.list(REPO, SUBJECT, null, null, 10).referrers());
  }

  /** An entry a torn write left unreadable is skipped; a rebuild's add replaces it. */
  @org.junit.jupiter.api.Test
  void aCorruptEntryIsSkippedAndAnAddReplacesIt() {
    dev.berth.registry.oci.Descriptor good = referrer("good", "type/a");
    dev.berth.registry.oci.Descriptor torn = referrer("torn", "type/a");
    index.addAll(REPO, SUBJECT, java.util.List.of(good, torn));
    storage.write(dev.berth.registry.layout.StoragePaths.referrersEntry(REPO, SUBJECT,
        torn.digest()), "{\"mediaType\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    storage.write(dev.berth.registry.layout.StoragePaths.referrersGeneration(REPO, SUBJECT),
        "changed".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(good),
        secondInstance().list(REPO, SUBJECT, null, null, 10).referrers());
    index.add(REPO, SUBJECT, torn);
    org.junit.jupiter.api.Assertions.assertEquals(2,
        secondInstance().list(REPO, SUBJECT, null, null, 10).referrers().size());
  }
}
