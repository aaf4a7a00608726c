package dev.berth.it.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** What the proxy tests push upstream and how they compare answers. */
final class Content {
  private Content() {}

  static final String ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
      MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST);
  static final String SIGNATURE = "application/vnd.example.signature";
  static final String SBOM = "application/vnd.example.sbom";

  /** An image: its manifest's bytes and digest, its layer. */
  record Image(Digest digest, byte[] manifest, Digest layer, byte[] layerBytes) {}

  /** Pushes a one-layer image (a random layer of {@code layerSize} bytes) under {@code ref}. */
  static Image push(RegistryClient to, String repository, String ref, String seed,
      int layerSize) {
    byte[] layer = new byte[layerSize];
    new Random(seed.hashCode()).nextBytes(layer);
    Digest layerDigest = to.pushBlob(repository, layer);
    pushEmptyConfig(to, repository);
    byte[] manifest = RegistryClient.smallManifest(layerDigest, layer.length, seed, null, null);
    Digest digest = Digest.sha256(manifest);
    Response put = to.putManifest(repository, ref == null ? digest.toString() : ref,
        MediaTypes.OCI_MANIFEST, manifest);
    assertEquals(201, put.status(), put::toString);
    return new Image(digest, manifest, layerDigest, layer);
  }

  /** Pushes a referrer of {@code subject} (by digest) with {@code artifactType}. */
  static Image pushReferrer(RegistryClient to, String repository, Image subject,
      String artifactType, String seed) {
    byte[] payload = ("payload " + seed).getBytes(StandardCharsets.UTF_8);
    Digest layer = to.pushBlob(repository, payload);
    pushEmptyConfig(to, repository);
    byte[] manifest = RegistryClient.smallManifest(layer, payload.length, seed, subject.digest(),
        artifactType);
    Digest digest = Digest.sha256(manifest);
    Response put = to.putManifest(repository, digest.toString(), MediaTypes.OCI_MANIFEST,
        manifest);
    assertEquals(201, put.status(), put::toString);
    return new Image(digest, manifest, layer, payload);
  }

  /**
   * What a client does for a registry without the referrers API (distribution-spec §2.7): the
   * {@code sha256-<hex>} tag holds an index of the subject's referrers, rewritten on each push.
   */
  static void pushFallbackTag(RegistryClient to, String repository, Image subject,
      List<Image> referrers, String artifactType) {
    JsonObject index = new JsonObject();
    index.addProperty("schemaVersion", 2);
    index.addProperty("mediaType", MediaTypes.OCI_INDEX);
    JsonArray manifests = new JsonArray();
    for (Image r : referrers) {
      JsonObject d = new JsonObject();
      d.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
      d.addProperty("digest", r.digest().toString());
      d.addProperty("size", r.manifest().length);
      d.addProperty("artifactType", artifactType);
      manifests.add(d);
    }
    index.add("manifests", manifests);
    Response put = to.putManifest(repository, subject.digest().fallbackTag(),
        MediaTypes.OCI_INDEX, index.toString().getBytes(StandardCharsets.UTF_8));
    assertEquals(201, put.status(), put::toString);
  }

  private static void pushEmptyConfig(RegistryClient to, String repository) {
    to.pushBlob(repository, "{}".getBytes(StandardCharsets.UTF_8));
  }

  /** GET of a path on both registries: the same status and the same bytes. */
  static Response sameBytes(RegistryClient upstream, RegistryClient proxy, String path) {
    Response direct = upstream.get(path, "Accept", ACCEPT);
    Response cached = proxy.get(path, "Accept", ACCEPT);
    assertEquals(200, direct.status(), direct::toString);
    assertEquals(200, cached.status(), cached::toString);
    assertArrayEquals(direct.body(), cached.body(), path);
    return cached;
  }

  static Response manifest(RegistryClient registry, String repository, String reference) {
    return registry.get("/v2/" + repository + "/manifests/" + reference, "Accept", ACCEPT);
  }

  /** The digests of a referrers answer, in order. */
  static List<String> referrers(RegistryClient registry, String repository, Digest subject,
      String query) {
    Response r = registry.get("/v2/" + repository + "/referrers/" + subject
        + (query == null ? "" : "?" + query));
    assertEquals(200, r.status(), r::toString);
    List<String> digests = new ArrayList<>();
    JsonParser.parseString(r.text()).getAsJsonObject().getAsJsonArray("manifests")
        .forEach(e -> digests.add(e.getAsJsonObject().get("digest").getAsString()));
    return digests;
  }

  /**
   * GETs of one blob in a registry:2 upstream's access log (one line per request, written when
   * the response is done: before the proxy's clients got their last byte), once at least
   * {@code expected} are there or 10 s went by.
   */
  static long upstreamGets(DockerRegistryProcess upstream, String repository, Digest blob,
      long expected) throws InterruptedException {
    return upstreamRequests(upstream, "GET", repository, blob, expected);
  }

  /**
   * How many {@code method} requests for {@code blob} of {@code repository} the upstream's access
   * log shows, waiting up to 10 s for {@code expected} of them (0: counted at once).
   */
  static long upstreamRequests(DockerRegistryProcess upstream, String method, String repository,
      Digest blob, long expected) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    long count;
    while ((count = upstream.output().lines()
        .filter(l -> l.contains("\"" + method + " /v2/" + repository + "/blobs/" + blob + " "))
        .count()) < expected && Instant.now().isBefore(deadline)) {
      Thread.sleep(20); // polling the log reader for a line, with a deadline
    }
    return count;
  }

  /**
   * A registry:2 upstream on loopback under {@code work} that logs every request (its access
   * log, which {@link #upstreamGets} counts); the test is skipped where it is not installed.
   */
  static DockerRegistryProcess loggedUpstream(Path work) throws IOException {
    Programs.require(DockerRegistryProcess.PROGRAM);
    return DockerRegistryProcess.start(work.resolve("upstream"), work.resolve("conf"),
        DockerRegistryProcess.Options.DEFAULT.withAccessLog());
  }

  /** Closes each of {@code things} that is not null, in order. */
  static void closeAll(AutoCloseable... things) throws Exception {
    for (AutoCloseable thing : things) {
      if (thing != null) {
        thing.close();
      }
    }
  }
}
