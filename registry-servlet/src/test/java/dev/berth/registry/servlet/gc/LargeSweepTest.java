package dev.berth.registry.servlet.gc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.gc.GcListener;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.storage.FileSystemStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageException;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A collection with hundreds of blobs to delete, which the collector sweeps on several threads:
 * every unreferenced blob and every repository link to it goes exactly once, the report and the
 * listener agree, what is kept still pulls, and a storage failure mid-sweep surfaces as the
 * failure it is.
 */
class LargeSweepTest extends HttpSuite {

  private static final GcOptions NOW = GcOptions.defaults().withGracePeriod(Duration.ZERO);
  private static final int STRAYS = 150;

  @TempDir
  Path root;

  private Storage storage;

  @Override
  protected Registry newRegistry() {
    storage = spy(FileSystemStorage.at(root, java.time.Clock.systemUTC(), false));
    return Registry.builder().storage(storage).build();
  }

  private List<Digest> pushStrays() {
    List<Digest> strays = new ArrayList<>();
    for (int i = 0; i < STRAYS; i++) {
      byte[] content = ("stray blob " + i).getBytes(StandardCharsets.UTF_8);
      // Every third one is linked from two repositories.
      strays.add(client.pushBlob("sweep/a", content));
      if (i % 3 == 0) {
        client.pushBlob("sweep/b", content);
      }
    }
    return strays;
  }

  @Test
  void everyUnreferencedBlobAndLinkGoesExactlyOnce() {
    Digest image = client.pushFixtureImage("sweep/a", "v1");
    List<Digest> strays = pushStrays();
    Set<String> heard = ConcurrentHashMap.newKeySet();
    AtomicLong heardBytes = new AtomicLong();
    List<String> duplicates = new ArrayList<>();

    GcReport report = server.registry().collectGarbage(NOW.withListener(new GcListener() {
      @Override
      public void blobRemoved(Digest digest, long size) {
        if (!heard.add(digest.toString())) {
          duplicates.add(digest.toString());
        }
        heardBytes.addAndGet(size);
      }
    }));

    Set<String> expected = new TreeSet<>();
    long expectedBytes = 0;
    for (int i = 0; i < STRAYS; i++) {
      expected.add(strays.get(i).toString());
      expectedBytes += ("stray blob " + i).getBytes(StandardCharsets.UTF_8).length;
    }
    assertEquals(List.copyOf(expected), report.blobsRemoved(), "each once, in digest order");
    assertEquals(expected, heard);
    assertEquals(List.of(), duplicates);
    assertEquals(expectedBytes, report.bytesFreed());
    assertEquals(expectedBytes, heardBytes.get());
    for (int i = 0; i < STRAYS; i++) {
      Digest d = strays.get(i);
      assertTrue(storage.stat(StoragePaths.blobData(d)).isEmpty(), d + " data");
      for (String repo : List.of("sweep/a", "sweep/b")) {
        assertTrue(storage.stat(StoragePaths.layerLink(RepositoryName.parse(repo), d)).isEmpty(),
            d + " link in " + repo);
        assertEquals(404, client.head("/v2/" + repo + "/blobs/" + d).status());
      }
    }
    assertEquals(200, client.get("/v2/sweep/a/manifests/v1").status());
    assertArrayEquals(Fixtures.bytes(Fixtures.LAYER),
        client.get("/v2/sweep/a/blobs/" + Fixtures.digest(Fixtures.LAYER)).body());
    assertEquals(200, client.head("/v2/sweep/a/manifests/" + image).status());

    GcReport again = server.registry().collectGarbage(NOW);
    assertEquals(List.of(), again.blobsRemoved(), "nothing left to collect");
  }

  @Test
  void aStorageFailureMidSweepIsReportedAndTheRestCanBeCollectedLater() {
    List<Digest> strays = pushStrays();
    Digest broken = strays.get(STRAYS / 2);
    doThrow(new StorageException("disk failed deleting " + broken))
        .when(storage).delete(eq(StoragePaths.blobData(broken)));

    StorageException thrown = assertThrows(StorageException.class,
        () -> server.registry().collectGarbage(NOW));
    assertTrue(thrown.getMessage().contains(broken.toString()), thrown::getMessage);
    assertFalse(storage.stat(StoragePaths.blobData(broken)).isEmpty(), "the failed one stays");

    org.mockito.Mockito.reset(storage);
    server.registry().collectGarbage(NOW);
    for (Digest d : strays) {
      assertTrue(storage.stat(StoragePaths.blobData(d)).isEmpty(), d + " collected in the end");
    }
  }
}
