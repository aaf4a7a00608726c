package dev.berth.launcher.slow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.jetty.BerthServer;
import dev.berth.launcher.hostile.Row;
import dev.berth.launcher.hostile.Wire;
import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.servlet.config.HttpOptions;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand uploads that trickle a byte every two seconds hold no thread: other requests keep
 * being answered within a second, the trickles are cut off (408, in the envelope) once they have
 * been slower than {@code http.minUploadRate} for {@code http.uploadRateGrace}, faster uploads
 * are not, and every cut-off session keeps what arrived, so its client resumes after it.
 */
class SlowClientsTest {

  private static final int SLOW = 1000;
  private static final int STEADY = 10;
  private static final Duration TICK = Duration.ofSeconds(2);
  /** Slow uploads send 0.5 bytes/s, steady ones 4 bytes/s: only the slow fall below 2. */
  private static final int MIN_RATE = 2;
  /**
   * Longer than opening the uploads, their first interval and the 10 s of measured requests
   * together, so that none is cut off while the others are measured.
   */
  private static final Duration GRACE = Duration.ofSeconds(20);
  private static final Duration LOAD = Duration.ofSeconds(10);
  /**
   * Starved requests would wait for the trickling ones (20 s and more); a loaded 2-core CI machine
   * has been seen to take 1.5 s for an unstarved one, so the bound tells the two apart with room.
   */
  private static final Duration PROMPT = Duration.ofSeconds(5);
  private static final String REPO = "slow/app";

  @TempDir
  Path root;

  @Test
  void thousandTricklingUploadsStarveNothingAndAreCutOffResumably() throws Exception {
    requireFileDescriptors(SLOW + STEADY);
    try (Registry registry = Registry.builder().filesystem(root, false).build();
        BerthServer server = BerthServer.start(registry, "127.0.0.1", 0,
            AccessController.ALLOW_ALL, HttpOptions.defaults().withMinUploadRate(MIN_RATE, GRACE),
            Duration.ofSeconds(10))) {
      RegistryClient client = new RegistryClient(server.url());
      Digest manifest = client.pushSmallImage(REPO, "v1", "slow");
      List<Duration> warmUp = new ArrayList<>();
      normalRound(client, manifest, 0, warmUp);

      List<Trickle.Upload> slow = uploads(registry, SLOW, 4096, 1, 1_000_000);
      List<Trickle.Upload> steady = uploads(registry, STEADY, 48, 8, 48);
      List<Trickle.Upload> all = new ArrayList<>(slow);
      all.addAll(steady);
      try (Trickle trickle = Trickle.start(server.url(), all, TICK)) {
        // Measured once every upload is open at the server (its chunk has a temporary file) and
        // has trickled for one interval: the burst of opening them is not what is measured.
        awaitTemporaryFiles(root, all.size(), Duration.ofSeconds(60));
        assertTrue(trickle.awaitFirstInterval(Duration.ofSeconds(30)), "uploads not trickling");
        List<Duration> times = new ArrayList<>();
        long end = System.nanoTime() + LOAD.toNanos();
        for (int round = 1; System.nanoTime() < end; round++) {
          normalRound(client, manifest, round, times);
        }
        List<String> early = slow.stream().filter(u -> u.answer() != null || u.failure() != null)
            .map(u -> u.path + " after " + u.sent() + " bytes: " + u.answer() + " " + u.failure())
            .toList();
        assertEquals(List.of(), early, "slow uploads answered before their grace period ended");
        Duration worst = times.stream().max(Duration::compareTo).orElseThrow();
        assertTrue(worst.compareTo(PROMPT) < 0, () -> "a request took " + worst.toMillis()
            + " ms while " + SLOW + " uploads trickled (" + times.size() + " requests: " + times
            + ")");
        assertTrue(times.size() >= 30, () -> "only " + times.size() + " requests in " + LOAD);

        assertTrue(trickle.awaitAllEnded(GRACE.plus(Duration.ofSeconds(30))),
            "not every trickling upload was answered");
        assertEquals(List.of(), trickle.failures());
      }
      for (Trickle.Upload upload : steady) {
        assertEquals(202, upload.answer().status(), upload.answer()::toString);
        assertEquals("0-47", upload.answer().header("Range"));
      }
      for (Trickle.Upload upload : slow) {
        Wire.Answer cut = upload.answer();
        assertEquals(408, cut.status(), cut::toString);
        Row.assertEnvelope(cut, false, Set.of("BLOB_UPLOAD_INVALID"), upload.path);
      }
      assertResumable(client, slow);
    }
  }

  /**
   * With a short idle timeout, a connection that sends part of its headers and then nothing, one
   * that sends nothing at all, and an upload whose body stalls are each closed once the timeout
   * has passed (not before); the stalled upload is answered 408 in the envelope and keeps what
   * arrived. The three wait together, so the test waits one timeout.
   */
  @Test
  void idleConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
    Duration idle = Duration.ofSeconds(3);
    try (Registry registry = Registry.builder().filesystem(root, false).build();
        BerthServer server = BerthServer.start(registry, "127.0.0.1", 0,
            AccessController.ALLOW_ALL, HttpOptions.defaults(), idle)) {
      String session = uploads(registry, 1, 100, 0, 100).get(0).path;
      URI url = server.url();
      long start = System.nanoTime();
      try (Socket headers = Idle.open(url, "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Partial: ab");
          Socket silent = Idle.open(url, "");
          Socket body = Idle.open(url, "PATCH " + session + " HTTP/1.1\r\nHost: x\r\n"
              + "Content-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\n"
              + "0123456789")) {
        Idle.Closed partial = Idle.awaitClose(headers, start, idle);
        Idle.Closed nothing = Idle.awaitClose(silent, start, idle);
        Idle.Closed stalled = Idle.awaitClose(body, start, idle);
        assertEquals(0, partial.bytes().length, partial::toString);
        assertEquals(0, nothing.bytes().length, nothing::toString);
        Wire.Answer answer = Wire.read(new ByteArrayInputStream(stalled.bytes()), false);
        assertEquals(408, answer.status(), answer::toString);
        Row.assertEnvelope(answer, false, Set.of("BLOB_UPLOAD_INVALID"), stalled.toString());
      }
      Response status = new RegistryClient(url).get(session);
      assertEquals("0-9", status.header("Range"), status::toString);
    }
  }

  /**
   * GET /v2/, a manifest GET and a small blob push, each timed.
   */
  private static void normalRound(RegistryClient client, Digest manifest, int round,
      List<Duration> times) {
    long t0 = System.nanoTime();
    Response base = client.get("/v2/");
    long t1 = System.nanoTime();
    Response get = client.get("/v2/" + REPO + "/manifests/v1");
    long t2 = System.nanoTime();
    client.pushBlob(REPO, ("blob of round " + round).getBytes(StandardCharsets.UTF_8));
    long t3 = System.nanoTime();
    assertEquals(200, base.status(), base::toString);
    assertEquals(200, get.status(), get::toString);
    assertEquals(manifest.toString(), get.header("Docker-Content-Digest"));
    times.add(Duration.ofNanos(t1 - t0));
    times.add(Duration.ofNanos(t2 - t1));
    times.add(Duration.ofNanos(t3 - t2));
  }

  /**
   * Every cut-off session reports what arrived: at most what was sent (bytes still in the socket
   * when the cut-off came are not read; on a loaded machine that has been two bytes) and not
   * nothing. A sample resumes from there and completes with the whole digest.
   */
  private static void assertResumable(RegistryClient client, List<Trickle.Upload> cut) {
    for (int i = 0; i < cut.size(); i++) {
      Trickle.Upload upload = cut.get(i);
      Response status = client.get(upload.path);
      assertEquals(204, status.status(), status::toString);
      String range = status.header("Range");
      assertNotNull(range, status::toString);
      int kept = Integer.parseInt(range.substring(range.indexOf('-') + 1)) + 1;
      assertTrue(kept >= 2 && kept <= upload.sent(),
          () -> upload.path + " kept " + range + " of " + upload.sent() + " bytes sent");
      if (i % 50 == 0) {
        Response rest = client.patch(upload.path, Arrays.copyOfRange(upload.content, kept,
            upload.content.length), "Content-Type", "application/octet-stream",
            "Content-Range", kept + "-" + (upload.content.length - 1));
        assertEquals(202, rest.status(), rest::toString);
        Digest digest = Digest.sha256(upload.content);
        Response done = client.put(RegistryClient.withQuery(upload.path, "digest=" + digest),
            null);
        assertEquals(201, done.status(), done::toString);
        assertArrayEquals(upload.content, client.get("/v2/" + REPO + "/blobs/" + digest).body());
      }
    }
  }

  /**
   * Waits until the storage's temporary folder holds {@code count} files besides its owner locks:
   * one per upload whose PATCH the server has dispatched (its chunk writer exists).
   */
  private static void awaitTemporaryFiles(Path root, int count, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long found = 0;
    while (System.nanoTime() < deadline) {
      try (Stream<Path> files = Files.walk(root.resolve(".berth-tmp"))) {
        found = files.filter(Files::isRegularFile)
            .filter(f -> !f.getFileName().toString().equals("owner.lock")).count();
      } catch (java.io.UncheckedIOException e) {
        // A temporary file (the sessions' startedat writes) went while the walk listed it.
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
          throw e;
        }
        continue;
      }
      if (found >= count) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the server opened " + found + " of " + count + " uploads in "
        + timeout);
  }

  /** Sessions started in the registry itself, each with its own random content. */
  private static List<Trickle.Upload> uploads(Registry registry, int count, int size,
      int perTick, long declared) {
    List<Trickle.Upload> uploads = new ArrayList<>(count);
    Random random = new Random(count * 31L + size);
    for (int i = 0; i < count; i++) {
      String id = registry.uploads().start(RepositoryName.parse(REPO)).id();
      byte[] content = new byte[size];
      random.nextBytes(content);
      uploads.add(new Trickle.Upload("/v2/" + REPO + "/blobs/uploads/" + id, content, perTick,
          declared));
    }
    return uploads;
  }

  /**
   * Each upload holds a client socket, a server socket and a temporary file for its chunk. On
   * Linux the JVM already raised its soft limit to the hard one at start (HotSpot's MaxFDLimit),
   * so what is left is all a test can have; this machine allows 20,000.
   */
  static void requireFileDescriptors(int connections) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long need = 3L * connections + 1024;
      long free = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
      assertTrue(free >= need, () -> "this test needs " + need + " file descriptors, the"
          + " process has " + free + " left of " + unix.getMaxFileDescriptorCount()
          + ": raise 'ulimit -n' (the hard limit) for the build");
    }
  }
}
