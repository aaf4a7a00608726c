package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * A tag write announces itself with a tags generation written before it (or one this instance
 * wrote moments ago) instead of a pending record around it and a generation after it: no record,
 * no read of the tag's link. Every instance caches a listing only under a generation older than
 * the time a tag write may take plus the clock skew; until then it reads the folder for each
 * listing, so a tag acknowledged through another instance is never missing from a listing.
 */
class TagAnnouncementsTest {
  static final RepositoryName APP = RepositoryName.parse("app");
  final TestClock clock = TestClock.atSystemTime();
  Storage storage;
  Registry a;
  Registry b;
  String tagsFolder;

  @BeforeEach
  void start() {
    storage = Mockito.spy(InMemoryStorage.create());
    a = Registry.builder().storage(storage).clock(clock).build();
    b = Registry.builder().storage(storage).clock(clock).build();
    a.uploads().putWhole(APP, Digest.EMPTY_JSON,
        new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), 2);
    tagsFolder = StoragePaths.tagsDirectory(APP);
  }

  void push(Registry through, String tag) {
    push(through, APP, tag);
  }

  /** One image of its own layer, by {@code tag}. */
  void push(Registry through, RepositoryName repository, String tag) {
    byte[] layer = ("layer of " + repository + ":" + tag).getBytes(StandardCharsets.UTF_8);
    through.uploads().putWhole(repository, Digest.sha256(layer), new ByteArrayInputStream(layer),
        layer.length);
    through.manifests().put(repository, Tag.parse(tag), MediaTypes.OCI_MANIFEST,
        TestManifests.image(tag, List.of(TestManifests.layer(layer))).bytes());
  }

  @Test
  void generationsNoWriteLeansOnAreForgotten() {
    DefaultTagStore store = (DefaultTagStore) a.tags();
    for (int i = 0; i < 3; i++) {
      push(a, RepositoryName.parse("app" + i), "v1");
    }
    assertEquals(3, store.rememberedAnnouncements());
    clock.advance(DefaultTagStore.SETTLING.plusSeconds(1));
    push(a, RepositoryName.parse("later"), "v1");
    assertEquals(1, store.rememberedAnnouncements(), "only the repository changed since");
    assertEquals(List.of("v1"), a.tags().list(RepositoryName.parse("app0"), null, 10).items());
  }

  List<String> tags(Registry through) {
    return through.tags().list(APP, null, 100).items();
  }

  @Test
  void aNewTagWritesNoPendingRecordAndDoesNotReadItsLink() {
    push(a, "v1");
    clearInvocations(storage);
    push(a, "v2");
    verify(storage, never()).write(argThat(p -> p.startsWith(StoragePaths.pendingDirectory())),
        Mockito.any(), anyBoolean());
    String link = StoragePaths.tagCurrentLink(APP, Tag.parse("v2"));
    verify(storage, never()).statObject(link);
    verify(storage, never()).read(link);
    verify(storage, never()).write(eq(StoragePaths.tagsGeneration(APP)), Mockito.any(),
        anyBoolean());
    assertEquals(List.of("v1", "v2"), tags(b));
  }

  @Test
  void listingsUnderAYoungGenerationReadTheFolderEachTime() {
    push(a, "v1");
    clearInvocations(storage);
    assertEquals(List.of("v1"), tags(b));
    push(a, "v2"); // under the generation announced moments ago: none is written
    assertEquals(List.of("v1", "v2"), tags(b), "not the listing b built a moment ago");
    verify(storage, times(2)).listHolding(eq(tagsFolder), Mockito.anyString());
  }

  @Test
  void aListingIsCachedOnceItsGenerationIsSettledAndDroppedAtTheNextAnnouncement() {
    push(a, "v1");
    clock.advance(DefaultTagStore.SETTLING.plus(DefaultTagStore.CLOCK_SKEW));
    clearInvocations(storage);
    assertEquals(List.of("v1"), tags(b));
    assertEquals(List.of("v1"), tags(b));
    verify(storage, times(1)).listHolding(eq(tagsFolder), Mockito.anyString());
    push(a, "v2"); // a's last announcement is old by the clock: a new generation first
    verify(storage, atLeast(1)).write(eq(StoragePaths.tagsGeneration(APP)), Mockito.any(),
        anyBoolean());
    assertEquals(List.of("v1", "v2"), tags(b));
  }
}
