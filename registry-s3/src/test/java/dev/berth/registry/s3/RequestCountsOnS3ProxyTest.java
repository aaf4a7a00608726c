package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.registry.Registry;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.Reference;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.SizedStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The S3 requests of a blob pull and of a manifest PUT by tag, exactly, on S3Proxy: what each
 * is for is in docs/design/s3.md ("Requests per registry operation"), and a change that adds one
 * must change this test and that table.
 */
class RequestCountsOnS3ProxyTest {
  private static final RepositoryName APP = RepositoryName.parse("team/app");
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  @RegisterExtension
  static final S3ProxyRegistries S3 = S3ProxyRegistries.named("counts");

  private final RequestLog log = new RequestLog();
  private Registry registry;
  private byte[] layer;
  private Digest layerDigest;
  private byte[] manifest;

  @BeforeEach
  void open() {
    registry = S3.newRegistry(List.of(log));
    layer = "layer bytes".getBytes(StandardCharsets.UTF_8);
    byte[] config2 = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(
        StandardCharsets.UTF_8);
    layerDigest = push(layer);
    Digest configDigest = push(config2);
    manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{"
        + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
        + configDigest + "\",\"size\":" + config2.length + "},\"layers\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest
        + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    log.clear();
  }

  private Digest push(byte[] bytes) {
    Digest digest = Digest.sha256(bytes);
    registry.uploads().putWhole(APP, digest, new ByteArrayInputStream(bytes), bytes.length);
    return digest;
  }

  @Test
  void aWholeBlobPullIsTheLinkAndOneGet() throws Exception {
    try (SizedStream blob = registry.blobs().openWhole(APP, layerDigest)) {
      assertEquals(layer.length, blob.size());
      assertArrayEquals(layer, blob.in().readAllBytes());
    }
    // The layer link (HEAD), the bytes with their size (GET); the link was written just now, so
    // it is not touched (a link older than a second adds one CopyObject).
    assertEquals(List.of("HeadObject", "GetObject"), log.operations());
  }

  @Test
  void aPullOfAnUnlinkedBlobIsUnknownAfterTheLinkAlone() {
    registry.blobs().delete(APP, layerDigest);
    log.clear();
    RegistryException e = assertThrows(RegistryException.class,
        () -> registry.blobs().openWhole(APP, layerDigest));
    assertEquals(ErrorCode.BLOB_UNKNOWN, e.code());
    assertEquals(0, log.count("GetObject"), "the bytes are not opened: " + log.operations());
  }

  @Test
  void aCheckOfABlobTheRepositoryLacksIsTwoHeads() {
    // What a client asks of each layer before it pushes it: neither the layer link nor a
    // revision link is there. A HEAD each; no LIST to tell a folder from nothing (a link is never
    // a folder), which cost two more requests, each with a body.
    assertEquals(Optional.empty(),
        registry.blobs().stat(APP, Digest.sha256("not pushed".getBytes(StandardCharsets.UTF_8))));
    assertEquals(List.of("HeadObject", "HeadObject"), log.operations());
  }

  /**
   * A write here settles what it names against collections on every instance, and for a second
   * (BlobKeeper.SETTLED_FOR) after that, another write here naming the same needs no touch,
   * listing nor check of it (gc.md, "Settled moments ago"). The full cost shows once that has
   * passed.
   */
  static void waitOutRecentSettling() throws InterruptedException {
    Thread.sleep(1_100);
  }

  @Test
  void aManifestPutByANewTag() throws Exception {
    registry.manifests().put(APP, Reference.parse("v1"), OCI_MANIFEST, manifest);
    // New bytes cost what stored ones do: they are written whole either way (no touch first).
    // The first tag of the repository here also writes its tags generation (below).
    assertEquals(14, log.all().size(), log.operations().toString());
    waitOutRecentSettling();
    log.clear();
    registry.manifests().put(APP, Reference.parse("v2"), OCI_MANIFEST, manifest);
    assertEquals(List.of(
        // The repository's removals generation (its ETag), asked before anything is looked at: a
        // later write that finds the same value may lean on what this one finds (see below).
        "HeadObject",
        // References: touch each link, list the sweep announcements, then find each one's bytes.
        "CopyObject", "CopyObject", "ListObjectsV2", "HeadObject", "HeadObject",
        // The manifest's bytes (written again: a PUT, not a touch's CopyObject) and revision
        // link, settled the same way: list the announcements, then find the revision and bytes.
        "PutObject", "PutObject", "ListObjectsV2", "HeadObject", "HeadObject",
        // The tag: its current and index links. The tags generation that announces it was
        // written by the first PUT less than five seconds ago (DefaultTagStore): no pending record,
        // no read of the link, no generation after it.
        "PutObject", "PutObject"),
        log.operations());
  }

  @Test
  void aManifestPutByANewTagMomentsAfterTheSameImageWasPut() {
    registry.manifests().put(APP, Reference.parse("v1"), OCI_MANIFEST, manifest);
    log.clear();
    long start = System.nanoTime();
    registry.manifests().put(APP, Reference.parse("v2"), OCI_MANIFEST, manifest);
    assumeTrue(System.nanoTime() - start < 500_000_000L, "the second PUT was not moments after");
    assertEquals(List.of(
        // The repository's removals generation, as the first PUT found it: no blob or manifest
        // DELETE through any instance was answered since, so the references and the manifest's
        // own revision, settled here moments ago, are still there and need no request.
        "HeadObject",
        // The tag's current and index links.
        "PutObject", "PutObject"),
        log.operations());
  }

  @Test
  void aManifestPutByATagThatAlreadyNamesIt() throws Exception {
    registry.manifests().put(APP, Reference.parse("v1"), OCI_MANIFEST, manifest);
    waitOutRecentSettling();
    log.clear();
    registry.manifests().put(APP, Reference.parse("v1"), OCI_MANIFEST, manifest);
    assertEquals(List.of(
        "HeadObject",
        "CopyObject", "CopyObject", "ListObjectsV2", "HeadObject", "HeadObject",
        "PutObject", "PutObject", "ListObjectsV2", "HeadObject", "HeadObject",
        // The tag's current and index links written again: reading the link first to skip the
        // write would cost the same request.
        "PutObject", "PutObject"), log.operations());
    assertEquals(Digest.sha256(manifest),
        registry.manifests().get(APP, Reference.parse("v1")).digest());
  }
}
