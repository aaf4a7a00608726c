package dev.berth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.spy;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Manifest PUTs that name the same layer touch its link at the same time: a touch waits for a
 * sweep of the layer in this process, not for other writes. On S3 a touch is a CopyObject, and
 * under one lock per blob 1,000 tags of one image were pushed one touch at a time (about 20 a
 * second on Ceph's gateway, whatever the number of clients).
 */
class ConcurrentReferenceTouchesTest {
  static final RepositoryName APP = RepositoryName.parse("app");
  static final int WRITERS = 4;

  @Test
  void pushesNamingOneLayerTouchItsLinkAtOnce() throws Exception {
    Storage storage = spy(InMemoryStorage.create());
    Registry registry = Registry.builder().storage(storage).build();
    byte[] layer = "shared layer".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(layer);
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(layer), layer.length);
    registry.uploads().putWhole(APP, Digest.EMPTY_JSON,
        new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), 2);
    // Every touch of the layer's link waits until all writers are inside one: with one writer
    // at a time under the blob's lock, the barrier breaks after its timeout and the PUTs fail.
    CyclicBarrier inside = new CyclicBarrier(WRITERS);
    String link = StoragePaths.layerLink(APP, digest);
    doAnswer(call -> {
      inside.await(10, TimeUnit.SECONDS);
      return call.callRealMethod();
    }).when(storage).touch(link);

    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<Digest>> puts = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        TestManifests.Built image = TestManifests.image("image " + i,
            List.of(TestManifests.layer(layer)));
        Tag tag = Tag.parse("v" + i);
        puts.add(pool.submit(() -> registry.manifests().put(APP, tag, MediaTypes.OCI_MANIFEST,
            image.bytes()).digest()));
      }
      for (int i = 0; i < WRITERS; i++) {
        assertEquals(TestManifests.image("image " + i, List.of(TestManifests.layer(layer)))
            .digest(), puts.get(i).get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    for (int i = 0; i < WRITERS; i++) {
      assertEquals(TestManifests.image("image " + i, List.of(TestManifests.layer(layer)))
          .digest(), registry.tags().resolve(APP, Tag.parse("v" + i)).orElseThrow());
    }
  }
}
