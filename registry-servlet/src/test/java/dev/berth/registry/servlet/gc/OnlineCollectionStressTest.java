package dev.berth.registry.servlet.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.Registry;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collections run back to back, with a grace period of two seconds and with {@code deleteUntagged},
 * while clients push images that reuse old unreferenced layers (older than the grace period: what
 * a collection may sweep at any moment), move tags, push referrers and delete subjects.
 * Afterwards every tagged image and every referrer of a live subject must pull intact (digests
 * verified), and one more collection must leave nothing unreachable.
 *
 * <p>Time is a {@link TestClock} shared by the registry and its storage: the collector moves it
 * {@link #STEP} ahead before each collection, so what the clients stop naming ages past the grace
 * period within a hundred collections, however fast or slow the machine runs them, and the test
 * never sleeps to age anything. Only the length of the run is wall-clock time. The step is small
 * so that, as in production, a push (a HEAD of a layer, then the PUT that names it) takes far less
 * than a grace period.
 */
class OnlineCollectionStressTest extends HttpSuite {

  @TempDir
  Path root;

  static final Duration GRACE = Duration.ofSeconds(2);
  static final GcOptions AGGRESSIVE = GcOptions.defaults().withGracePeriod(GRACE)
      .withDeleteUntagged(true);
  /** How far the clock moves before each collection: a grace period is a hundred collections. */
  static final Duration STEP = GRACE.dividedBy(100);
  static final Duration RUN = Duration.ofSeconds(8);
  static final String REPO = "stress/app";

  final TestClock clock = TestClock.atSystemTime();

  @Override
  protected Registry newRegistry() {
    return Registry.builder().clock(clock).filesystem(root, false).build();
  }

  final List<byte[]> oldLayers = new ArrayList<>();
  final Set<String> failures = ConcurrentHashMap.newKeySet();
  final AtomicInteger pushes = new AtomicInteger();
  final AtomicInteger retries = new AtomicInteger();

  @Test
  void collectingWhileClientsPushLosesNothingLive() throws Exception {
    // Layers uploaded long ago and referenced by nothing: garbage until someone reuses them.
    for (int i = 0; i < 12; i++) {
      byte[] layer = ("old layer " + i + " " + "x".repeat(2000)).getBytes(StandardCharsets.UTF_8);
      client.pushBlob("pool", layer);
      oldLayers.add(layer);
    }
    clock.advance(GRACE.plusMillis(500));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger collections = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> work = new ArrayList<>();
    work.add(pool.submit(() -> {
      while (!stop.get()) {
        clock.advance(STEP);
        server.registry().collectGarbage(AGGRESSIVE);
        collections.incrementAndGet();
      }
      return null;
    }));
    work.add(pool.submit(() -> pusher(stop, 1)));
    work.add(pool.submit(() -> pusher(stop, 2)));
    work.add(pool.submit(() -> referrersAndDeletes(stop)));
    // The length of the run, not a synchronisation: the workers stop when it ends.
    Thread.sleep(RUN.toMillis());
    stop.set(true);
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    assertEquals(Set.of(), failures, "client operations failed in ways a client cannot recover");
    assertTrue(collections.get() >= 3, "collections ran: " + collections.get());
    assertTrue(pushes.get() >= 10, "pushes happened: " + pushes.get());

    Set<Digest> live = verifyEverythingLivePullsIntact();
    assertTrue(live.size() >= 10, "live manifests checked: " + live.size());

    // Once the grace period has passed, one more collection leaves nothing unreachable: a further
    // run finds nothing.
    clock.advance(GRACE.plusMillis(500));
    server.registry().collectGarbage(AGGRESSIVE);
    GcReport after = server.registry().collectGarbage(AGGRESSIVE.withDryRun(true));
    assertEquals(List.of(), after.manifestsRemoved());
    assertEquals(List.of(), after.blobsRemoved());
    verifyEverythingLivePullsIntact();
    System.out.printf("stress: %d collections (%s of clock time), %d pushes, %d retries after a"
        + " collection swept a layer first, %d live manifests verified%n", collections.get(),
        STEP.multipliedBy(collections.get()), pushes.get(), retries.get(), live.size());
  }

  /** Pushes images that reuse old layers the way clients do: HEAD, else mount, else upload. */
  private Void pusher(AtomicBoolean stop, int seed) {
    Random random = new Random(seed);
    int n = 0;
    while (!stop.get()) {
      String tag = "p" + seed + "-" + (n % 6);
      List<byte[]> layers = new ArrayList<>();
      layers.add(oldLayers.get(random.nextInt(oldLayers.size())));
      layers.add(("fresh " + seed + "-" + n).getBytes(StandardCharsets.UTF_8));
      if (random.nextBoolean()) {
        layers.add(oldLayers.get(random.nextInt(oldLayers.size())));
      }
      byte[] manifest = imageManifest(layers, "image " + seed + "-" + n, null, null);
      pushImage(manifest, layers, tag);
      n++;
    }
    return null;
  }

  /** Pushes referrers of tagged images, moves tags, and now and then deletes a subject. */
  private Void referrersAndDeletes(AtomicBoolean stop) {
    Random random = new Random(99);
    int n = 0;
    while (!stop.get()) {
      List<String> tags = tags();
      if (tags.isEmpty()) {
        continue;
      }
      String tag = tags.get(random.nextInt(tags.size()));
      Response subject = client.get("/v2/" + REPO + "/manifests/" + tag);
      if (subject.status() != 200) {
        continue;
      }
      Digest subjectDigest = Digest.parse(subject.header("Docker-Content-Digest"));
      List<byte[]> layers = List.of(("signature " + n).getBytes(StandardCharsets.UTF_8));
      byte[] sig = imageManifest(layers, "sig " + n, subjectDigest, "application/vnd.example.sig");
      pushImage(sig, layers, Digest.sha256(sig).toString());
      if (n % 3 == 0) {
        // A signature of the signature (referrer of a referrer).
        List<byte[]> l2 = List.of(("countersig " + n).getBytes(StandardCharsets.UTF_8));
        byte[] counter = imageManifest(l2, "counter " + n, Digest.sha256(sig),
            "application/vnd.example.sig");
        pushImage(counter, l2, Digest.sha256(counter).toString());
      }
      if (n % 4 == 0) {
        // Move another tag onto this subject.
        client.putManifest(REPO, "moved-" + (n % 3), MediaTypes.OCI_MANIFEST, subject.body());
      }
      if (n % 5 == 4) {
        int status = client.delete("/v2/" + REPO + "/manifests/" + subjectDigest).status();
        if (status != 202 && status != 404) {
          failures.add("delete of a subject answered " + status);
        }
      }
      n++;
    }
    return null;
  }

  private void pushImage(byte[] manifest, List<byte[]> layers, String reference) {
    for (int attempt = 1; attempt <= 10; attempt++) {
      for (byte[] layer : layers) {
        ensureBlob(layer);
      }
      ensureBlob(EMPTY_CONFIG);
      Response put = client.putManifest(REPO, reference, MediaTypes.OCI_MANIFEST, manifest);
      if (put.status() == 201) {
        pushes.incrementAndGet();
        return;
      }
      if (put.status() == 400 && put.errorCodes().contains("MANIFEST_BLOB_UNKNOWN")) {
        // A collection swept an old layer between our check and our PUT: the client uploads
        // again, as real clients do. (Rare: a HEAD touches the blob; it takes a sweep between the
        // HEAD's touch and the PUT's that is older than the grace period.)
        retries.incrementAndGet();
        continue;
      }
      failures.add("manifest PUT answered " + put);
      return;
    }
    failures.add("manifest PUT kept failing with MANIFEST_BLOB_UNKNOWN");
  }

  static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

  private void ensureBlob(byte[] content) {
    Digest d = Digest.sha256(content);
    if (client.head("/v2/" + REPO + "/blobs/" + d).status() == 200) {
      return;
    }
    Response mount = client.post("/v2/" + REPO + "/blobs/uploads/?mount=" + d + "&from=pool", null);
    if (mount.status() == 201) {
      return;
    }
    if (mount.status() == 202) {
      client.delete(mount.header("Location"));
    }
    Response done = client.post("/v2/" + REPO + "/blobs/uploads/?digest=" + d, content,
        "Content-Type", "application/octet-stream");
    if (done.status() != 201) {
      failures.add("blob upload answered " + done);
    }
  }

  private List<String> tags() {
    Response r = client.get("/v2/" + REPO + "/tags/list");
    if (r.status() != 200) {
      return List.of();
    }
    List<String> tags = new ArrayList<>();
    for (JsonElement e : r.json().getAsJsonArray("tags")) {
      tags.add(e.getAsString());
    }
    return tags;
  }

  static byte[] imageManifest(List<byte[]> layers, String seed, Digest subject, String type) {
    StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"")
        .append(MediaTypes.OCI_MANIFEST).append("\",");
    if (type != null) {
      json.append("\"artifactType\":\"").append(type).append("\",");
    }
    json.append("\"config\":{\"mediaType\":\"").append(MediaTypes.OCI_EMPTY)
        .append("\",\"digest\":\"").append(Digest.EMPTY_JSON).append("\",\"size\":2},\"layers\":[");
    for (int i = 0; i < layers.size(); i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"mediaType\":\"application/octet-stream\",\"digest\":\"")
          .append(Digest.sha256(layers.get(i))).append("\",\"size\":").append(layers.get(i).length)
          .append('}');
    }
    json.append(']');
    if (subject != null) {
      json.append(",\"subject\":{\"mediaType\":\"").append(MediaTypes.OCI_MANIFEST)
          .append("\",\"digest\":\"").append(subject).append("\",\"size\":1}");
    }
    json.append(",\"annotations\":{\"seed\":\"").append(seed).append("\"}}");
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Every manifest reachable from a tag, and every referrer of those (recursively), pulls with the
   * right digest, and so does every blob it names.
   */
  private Set<Digest> verifyEverythingLivePullsIntact() {
    Set<Digest> seen = new HashSet<>();
    List<Digest> pending = new ArrayList<>();
    for (String tag : tags()) {
      Response m = client.get("/v2/" + REPO + "/manifests/" + tag);
      assertEquals(200, m.status(), () -> "tag " + tag + ": " + m);
      pending.add(Digest.parse(m.header("Docker-Content-Digest")));
    }
    while (!pending.isEmpty()) {
      Digest d = pending.remove(pending.size() - 1);
      if (!seen.add(d)) {
        continue;
      }
      Response m = client.get("/v2/" + REPO + "/manifests/" + d);
      assertEquals(200, m.status(), () -> "manifest " + d + " is gone: " + m);
      assertEquals(d, Digest.sha256(m.body()), "manifest bytes intact");
      JsonObject json = m.json();
      List<String> blobs = new ArrayList<>();
      blobs.add(json.getAsJsonObject("config").get("digest").getAsString());
      json.getAsJsonArray("layers").forEach(l -> blobs.add(l.getAsJsonObject().get("digest")
          .getAsString()));
      for (String b : blobs) {
        Response blob = client.get("/v2/" + REPO + "/blobs/" + b);
        if (blob.status() != 200 || !Digest.sha256(blob.body()).toString().equals(b)) {
          fail("blob " + b + " of live manifest " + d + " is " + blob.status());
        }
      }
      client.get("/v2/" + REPO + "/referrers/" + d + "?n=1000").json().getAsJsonArray("manifests")
          .forEach(r -> pending.add(Digest.parse(r.getAsJsonObject().get("digest").getAsString())));
    }
    return Collections.unmodifiableSet(seen);
  }

}
