package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.registry.gc.CollectionInProgressException;
import dev.berth.registry.gc.GcListener;
import dev.berth.registry.gc.GcOptions;
import dev.berth.registry.gc.GcReport;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The online collection stress of {@code OnlineCollectionStressTest}, split over two instances on
 * one bucket: instance A collects back to back with a grace period of four seconds and
 * {@code deleteUntagged}, while clients push through instance B images that reuse old unreferenced
 * layers (what A may sweep at any moment), move tags, push referrers and delete subjects. A's
 * locks and fence cannot see B's writes: what keeps them safe is the sweep announcements and the
 * touches in storage (docs/design/gc.md). Afterwards every tagged image and every referrer of a
 * live subject must pull intact through both instances, digests verified.
 */
abstract class TwoInstancesCollectionStress {
  static final Duration GRACE = Duration.ofSeconds(4);
  static final GcOptions AGGRESSIVE = GcOptions.defaults().withGracePeriod(GRACE)
      .withDeleteUntagged(true);
  static final Duration RUN = Duration.ofSeconds(8);
  static final String REPO = "stress/app";
  static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);

  abstract S3Server server();

  UnaryOperator<S3Config.Builder> settings() {
    return s -> s;
  }

  TwoInstances two;
  RegistryClient pusher;
  final List<byte[]> oldLayers = new ArrayList<>();
  final Set<String> failures = ConcurrentHashMap.newKeySet();
  final AtomicInteger pushes = new AtomicInteger();
  final AtomicInteger retries = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    two = TwoInstances.start(server(), settings());
    pusher = two.toB;
  }

  @AfterEach
  void stop() throws Exception {
    two.close();
  }

  @Test
  void onlyOneInstanceCollectsAtATime() {
    pusher.pushBlob("app", "stray".getBytes(StandardCharsets.UTF_8));
    AtomicReference<RuntimeException> meanwhile = new AtomicReference<>();
    GcOptions now = GcOptions.defaults().withGracePeriod(Duration.ZERO);

    GcReport report = two.registryA().collectGarbage(now.withListener(new GcListener() {
      @Override
      public void blobRemoved(Digest digest, long size) {
        meanwhile.compareAndSet(null, assertThrows(RuntimeException.class,
            () -> two.registryB().collectGarbage(now)));
      }
    }));

    assertEquals(1, report.blobsRemoved().size());
    CollectionInProgressException busy = assertInstanceOf(CollectionInProgressException.class,
        meanwhile.get());
    assertTrue(busy.getMessage().startsWith("another garbage collection is running"),
        busy.getMessage());
    assertEquals(0, two.registryB().collectGarbage(now).blobsRemoved().size(),
        "B collects once A is done");
  }

  @Test
  void collectingOnOneWhilePushingThroughTheOtherLosesNothingLive() throws Exception {
    for (int i = 0; i < 12; i++) {
      byte[] layer = ("old layer " + i + " " + "x".repeat(2000)).getBytes(StandardCharsets.UTF_8);
      pusher.pushBlob("pool", layer);
      oldLayers.add(layer);
    }
    Thread.sleep(GRACE.toMillis() + 500); // let them age past the grace period
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger collections = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> work = new ArrayList<>();
    work.add(pool.submit(() -> {
      while (!stop.get()) {
        two.registryA().collectGarbage(AGGRESSIVE);
        collections.incrementAndGet();
      }
      return null;
    }));
    work.add(pool.submit(() -> pushImages(stop, 1)));
    work.add(pool.submit(() -> pushImages(stop, 2)));
    work.add(pool.submit(() -> referrersAndDeletes(stop)));
    Thread.sleep(RUN.toMillis());
    stop.set(true);
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    assertEquals(Set.of(), failures, "client operations failed in ways a client cannot recover");
    assertTrue(collections.get() >= 2, "collections ran: " + collections.get());
    assertTrue(pushes.get() >= 10, "pushes happened: " + pushes.get());

    Set<Digest> live = verifyLive(two.toA);
    assertEquals(live, verifyLive(two.toB));
    assertTrue(live.size() >= 10, "live manifests checked: " + live.size());

    Thread.sleep(GRACE.toMillis() + 500);
    two.registryA().collectGarbage(AGGRESSIVE);
    GcReport after = two.registryB().collectGarbage(AGGRESSIVE.withDryRun(true));
    assertEquals(List.of(), after.manifestsRemoved());
    assertEquals(List.of(), after.blobsRemoved());
    assertEquals(live, verifyLive(two.toB));
    System.out.printf("two-instance stress on %s: %d collections on A, %d pushes through B, %d"
        + " retries after a sweep, %d live manifests verified%n", server().name(),
        collections.get(), pushes.get(), retries.get(), live.size());
  }

  private Void pushImages(AtomicBoolean stop, int seed) {
    Random random = new Random(seed);
    for (int n = 0; !stop.get(); n++) {
      List<byte[]> layers = new ArrayList<>();
      layers.add(oldLayers.get(random.nextInt(oldLayers.size())));
      layers.add(("fresh " + seed + "-" + n).getBytes(StandardCharsets.UTF_8));
      if (random.nextBoolean()) {
        layers.add(oldLayers.get(random.nextInt(oldLayers.size())));
      }
      pushImage(manifest(layers, "image " + seed + "-" + n, null, null), layers,
          "p" + seed + "-" + (n % 6));
    }
    return null;
  }

  private Void referrersAndDeletes(AtomicBoolean stop) {
    Random random = new Random(99);
    for (int n = 0; !stop.get(); ) {
      List<String> tags = tags(pusher);
      if (tags.isEmpty()) {
        continue;
      }
      Response subject = pusher.get("/v2/" + REPO + "/manifests/"
          + tags.get(random.nextInt(tags.size())));
      if (subject.status() != 200) {
        continue;
      }
      Digest subjectDigest = Digest.parse(subject.header("Docker-Content-Digest"));
      List<byte[]> layers = List.of(("signature " + n).getBytes(StandardCharsets.UTF_8));
      byte[] sig = manifest(layers, "sig " + n, subjectDigest, "application/vnd.example.sig");
      pushImage(sig, layers, Digest.sha256(sig).toString());
      if (n % 4 == 0) {
        pusher.putManifest(REPO, "moved-" + (n % 3), MediaTypes.OCI_MANIFEST, subject.body());
      }
      if (n % 5 == 4) {
        int status = pusher.delete("/v2/" + REPO + "/manifests/" + subjectDigest).status();
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
      Response put = pusher.putManifest(REPO, reference, MediaTypes.OCI_MANIFEST, manifest);
      if (put.status() == 201) {
        pushes.incrementAndGet();
        return;
      }
      if (put.status() == 400 && put.errorCodes().contains("MANIFEST_BLOB_UNKNOWN")) {
        // A's collection swept an old layer between our check and our PUT: upload it again.
        retries.incrementAndGet();
        continue;
      }
      failures.add("manifest PUT answered " + put);
      return;
    }
    failures.add("manifest PUT kept failing with MANIFEST_BLOB_UNKNOWN");
  }

  private void ensureBlob(byte[] content) {
    Digest d = Digest.sha256(content);
    if (pusher.head("/v2/" + REPO + "/blobs/" + d).status() == 200) {
      return;
    }
    Response mount = pusher.post("/v2/" + REPO + "/blobs/uploads/?mount=" + d + "&from=pool",
        null);
    if (mount.status() == 201) {
      return;
    }
    if (mount.status() == 202) {
      pusher.delete(mount.header("Location"));
    }
    Response done = pusher.post("/v2/" + REPO + "/blobs/uploads/?digest=" + d, content,
        "Content-Type", "application/octet-stream");
    if (done.status() != 201) {
      failures.add("blob upload answered " + done);
    }
  }

  static List<String> tags(RegistryClient client) {
    Response r = client.get("/v2/" + REPO + "/tags/list");
    List<String> tags = new ArrayList<>();
    if (r.status() == 200) {
      for (JsonElement e : r.json().getAsJsonArray("tags")) {
        tags.add(e.getAsString());
      }
    }
    return tags;
  }

  static byte[] manifest(List<byte[]> layers, String seed, Digest subject, String type) {
    StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"")
        .append(MediaTypes.OCI_MANIFEST).append("\",");
    if (type != null) {
      json.append("\"artifactType\":\"").append(type).append("\",");
    }
    json.append("\"config\":{\"mediaType\":\"").append(MediaTypes.OCI_EMPTY)
        .append("\",\"digest\":\"").append(Digest.EMPTY_JSON).append("\",\"size\":2},")
        .append("\"layers\":[");
    for (int i = 0; i < layers.size(); i++) {
      json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/octet-stream\",")
          .append("\"digest\":\"").append(Digest.sha256(layers.get(i))).append("\",\"size\":")
          .append(layers.get(i).length).append('}');
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
   * right digest through {@code client}, and so does every blob it names.
   */
  static Set<Digest> verifyLive(RegistryClient client) {
    Set<Digest> seen = new HashSet<>();
    List<Digest> pending = new ArrayList<>();
    for (String tag : tags(client)) {
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
      client.get("/v2/" + REPO + "/referrers/" + d + "?n=1000").json()
          .getAsJsonArray("manifests").forEach(r -> pending.add(Digest.parse(
              r.getAsJsonObject().get("digest").getAsString())));
    }
    return seen;
  }
}
