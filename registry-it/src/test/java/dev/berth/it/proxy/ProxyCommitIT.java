package dev.berth.it.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.storage.FileSystemStorage;
import dev.berth.registry.storage.StorageException;
import dev.berth.registry.storage.StorageFullException;
import dev.berth.registry.storage.StorageWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;

/**
 * A fetched blob's commit (flush, place, link) is off its first client's path: that client gets
 * its whole, verified body while the commit is still held; the blob is visible only once the
 * commit is done, and whoever asks meanwhile waits for it (one upstream fetch). A commit that
 * fails, as a crash before the flush would, leaves nothing visible and the next pull fetches
 * again. The storage is Berth's filesystem storage with the layer's writer held or failing on
 * purpose (the seam); the upstream is registry:2, whose access log counts the fetches.
 */
class ProxyCommitIT {
  static final String REPO = "library/held";

  @TempDir
  Path work;

  DockerRegistryProcess registry2;
  RegistryClient upstream;
  FileSystemStorage disk;
  BerthServer server;
  RegistryClient proxy;
  Digest layer;
  final CountDownLatch commitReached = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  final CountDownLatch failed = new CountDownLatch(1);
  final AtomicInteger commits = new AtomicInteger();
  volatile boolean failFirstCommit;
  volatile boolean holdCommitLink;
  final CountDownLatch linkReached = new CountDownLatch(1);
  final CountDownLatch releaseLink = new CountDownLatch(1);
  volatile boolean refuseWriter;
  final ExecutorService clients = Executors.newFixedThreadPool(2);

  @BeforeEach
  void start() throws Exception {
    registry2 = Content.loggedUpstream(work);
    upstream = new RegistryClient(registry2.url());
    disk = FileSystemStorage.at(work.resolve("cache"));
    FileSystemStorage storage = Mockito.spy(disk);
    Mockito.doAnswer(call -> {
      String path = call.getArgument(0);
      if (refuseWriter && layer != null && path.equals(StoragePaths.blobData(layer))) {
        refuseWriter = false;
        throw new StorageFullException("no temporary file, on purpose", null);
      }
      StorageWriter real = (StorageWriter) call.callRealMethod();
      return layer != null && path.equals(StoragePaths.blobData(layer)) ? new Held(real) : real;
    }).when(storage).writer(Mockito.anyString());
    // The commit's write of the layer link, held when a test asks: the bytes are placed, the
    // link is not written yet.
    Mockito.doAnswer(call -> {
      String path = call.getArgument(0);
      if (holdCommitLink && layer != null
          && path.equals(StoragePaths.layerLink(RepositoryName.parse(REPO), layer))
          && Thread.currentThread().getName().startsWith("berth-proxy-commit-")) {
        linkReached.countDown();
        if (!releaseLink.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the link write");
        }
      }
      return call.callRealMethod();
    }).when(storage).write(Mockito.anyString(), Mockito.any(byte[].class));
    Registry registry = ProxyOptions.registryTwo(registry2.url(), null, null,
        Duration.ofMinutes(5)).applyTo(Registry.builder().storage(storage)).build();
    server = BerthServer.builder(registry).closeRegistry(true).start();
    proxy = new RegistryClient(server.url());
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    releaseLink.countDown();
    clients.shutdownNow();
    Content.closeAll(server, disk, registry2);
  }

  @Test
  void theFirstClientsAnswerDoesNotWaitForTheCommitAndOthersWaitForIt() throws Exception {
    Content.Image image = pushAndPullManifest("held");
    String blobPath = "/v2/" + REPO + "/blobs/" + layer;

    Response first = clients.submit(() -> proxy.get(blobPath)).get(60, TimeUnit.SECONDS);
    assertEquals(200, first.status(), first::toString);
    assertArrayEquals(image.layerBytes(), first.body(), "the whole body, with the commit held");
    assertTrue(commitReached.await(30, TimeUnit.SECONDS), "the commit runs, held");
    assertFalse(Files.exists(cached(StoragePaths.blobData(layer))),
        "not visible before its commit");
    // A HEAD meanwhile answers from the upstream's size: it does not wait for the commit.
    Response head = clients.submit(() -> proxy.head(blobPath)).get(10, TimeUnit.SECONDS);
    assertEquals(200, head.status(), head::toString);
    assertEquals(String.valueOf(image.layerBytes().length), head.header("Content-Length"));

    Future<Response> second = clients.submit(() -> proxy.get(blobPath));
    release.countDown();
    Response after = second.get(60, TimeUnit.SECONDS);
    assertEquals(200, after.status(), after::toString);
    assertArrayEquals(image.layerBytes(), after.body());
    assertTrue(Files.exists(cached(StoragePaths.blobData(layer))));
    assertTrue(Files.exists(cached(StoragePaths.layerLink(RepositoryName.parse(REPO), layer))));
    assertEquals(1, Content.upstreamGets(registry2, REPO, layer, 1), registry2::output);
  }

  /**
   * A client that asks while the commit has placed the bytes but not yet written the link waits
   * for the whole commit: it does not link the blob itself and answer while the commit's own link
   * write is still to come (a collection that ran in between would see that link's time as
   * later than the pull).
   */
  @Test
  void aClientAskingBetweenTheBytesAndTheLinkWaitsForTheCommit() throws Exception {
    holdCommitLink = true;
    release.countDown();
    Content.Image image = pushAndPullManifest("link");
    String blobPath = "/v2/" + REPO + "/blobs/" + layer;
    assertEquals(200, clients.submit(() -> proxy.get(blobPath)).get(60, TimeUnit.SECONDS)
        .status());
    assertTrue(linkReached.await(30, TimeUnit.SECONDS), "the commit reaches its link, held");
    assertTrue(Files.exists(cached(StoragePaths.blobData(layer))), "the bytes are placed");

    Future<Response> second = clients.submit(() -> proxy.get(blobPath));
    assertThrows(TimeoutException.class, () -> second.get(2, TimeUnit.SECONDS),
        "answered before the commit ended");
    releaseLink.countDown();
    Response after = second.get(60, TimeUnit.SECONDS);
    assertEquals(200, after.status(), after::toString);
    assertArrayEquals(image.layerBytes(), after.body());
  }

  /**
   * A cold whole GET asks the upstream one GET and no HEAD (its length is the size), as
   * registry:2's proxy does on its client's path; a ranged GET of a blob the upstream has but
   * this repository does not yet link still asks the size first. Both answer the exact bytes.
   */
  @Test
  void aColdWholeGetAsksTheUpstreamOnlyForTheBody() throws Exception {
    release.countDown();
    Content.Image image = pushAndPullManifest("cold");
    String blobPath = "/v2/" + REPO + "/blobs/" + layer;

    Response whole = proxy.get(blobPath);
    assertEquals(200, whole.status(), whole::toString);
    assertEquals(String.valueOf(image.layerBytes().length), whole.header("Content-Length"));
    assertArrayEquals(image.layerBytes(), whole.body());
    assertEquals(1, Content.upstreamGets(registry2, REPO, layer, 1), registry2::output);
    assertEquals(0, Content.upstreamRequests(registry2, "HEAD", REPO, layer, 0),
        registry2::output);
  }

  @Test
  void aCommitThatFailsLeavesNothingVisibleAndTheNextPullFetchesAgain() throws Exception {
    failFirstCommit = true;
    release.countDown();
    Content.Image image = pushAndPullManifest("lost");
    String blobPath = "/v2/" + REPO + "/blobs/" + layer;

    Response first = proxy.get(blobPath);
    assertEquals(200, first.status(), first::toString);
    assertArrayEquals(image.layerBytes(), first.body(), "verified bytes reach the client");
    assertTrue(failed.await(30, TimeUnit.SECONDS), "the commit failed");
    assertFalse(Files.exists(cached(StoragePaths.layerLink(RepositoryName.parse(REPO), layer))),
        "nothing linked");
    assertFalse(Files.exists(cached(StoragePaths.blobData(layer))), "nothing placed");

    Response again = proxy.get(blobPath);
    assertEquals(200, again.status(), again::toString);
    assertArrayEquals(image.layerBytes(), again.body());
    assertEquals(2, Content.upstreamGets(registry2, REPO, layer, 2), registry2::output);
    // The second fetch's commit runs after its client has the bytes, as the first one's did.
    assertTrue(eventuallyExists(cached(StoragePaths.blobData(layer))),
        "stored by the second fetch");
  }

  @Test
  void aFetchWhoseFileCannotBeCreatedEndsAndTheNextPullFetchesAgain() throws Exception {
    release.countDown();
    refuseWriter = true;
    Content.Image image = pushAndPullManifest("nofile");
    String blobPath = "/v2/" + REPO + "/blobs/" + layer;

    Response first = clients.submit(() -> proxy.get(blobPath)).get(60, TimeUnit.SECONDS);
    assertTrue(first.status() >= 500, first::toString);
    // Before the fix the failed fetch stayed registered and this waited for it forever.
    Response again = clients.submit(() -> proxy.get(blobPath)).get(60, TimeUnit.SECONDS);
    assertEquals(200, again.status(), again::toString);
    assertArrayEquals(image.layerBytes(), again.body());
    assertEquals(2, Content.upstreamGets(registry2, REPO, layer, 2), registry2::output);
  }

  /** Whether {@code file} exists within 30 s (a commit off the client's path finishes later). */
  private static boolean eventuallyExists(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  private Content.Image pushAndPullManifest(String seed) {
    Content.Image image = Content.push(upstream, REPO, "1.0", seed, 3 * 1024 * 1024);
    layer = image.layer();
    Response manifest = Content.manifest(proxy, REPO, "1.0");
    assertEquals(200, manifest.status(), manifest::toString);
    return image;
  }

  private Path cached(String storagePath) {
    return work.resolve("cache").resolve(storagePath);
  }

  /** The layer's writer: its commit waits for {@link #release}, then commits or fails. */
  private final class Held extends StorageWriter {
    private final StorageWriter real;

    Held(StorageWriter real) {
      this.real = real;
    }

    @Override
    public void write(int b) throws IOException {
      real.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      real.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      real.flush();
    }

    @Override
    public long size() {
      return real.size();
    }

    @Override
    public void commit() {
      int n = commits.incrementAndGet();
      commitReached.countDown();
      try {
        if (!release.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never released the commit");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      if (failFirstCommit && n == 1) {
        failed.countDown();
        throw new StorageException("the disk failed on purpose before the flush");
      }
      real.commit();
    }

    @Override
    public boolean commitIfAbsent() {
      return real.commitIfAbsent();
    }

    @Override
    public void cancel() {
      real.cancel();
    }
  }
}
