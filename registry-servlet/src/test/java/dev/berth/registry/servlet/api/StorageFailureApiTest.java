package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertHeadError;
import static dev.berth.registry.servlet.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.spy;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.Registry;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageException;
import dev.berth.registry.storage.StorageFullException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A storage that fails (Mockito at the storage seam): the client gets a 500 with the generic
 * {@code UNKNOWN} envelope and no internal detail, and nothing half-done stays behind.
 */
class StorageFailureApiTest extends HttpSuite {

  private static final String SECRET = "disk on fire at /srv/berth/internal";
  private static final byte[] BLOB = "0123456789".getBytes(StandardCharsets.UTF_8);

  private Storage storage;

  @Override
  protected Registry newRegistry() {
    storage = spy(InMemoryStorage.create());
    return Registry.builder().storage(storage).build();
  }

  @Test
  void failingReadIsAGeneric500() {
    Digest digest = client.pushSmallImage("broken/app", "latest", "x");
    doThrow(new StorageException(SECRET)).when(storage).stat(anyString());

    Response get = client.get("/v2/broken/app/manifests/" + digest);

    assertErrors(get, 500, "UNKNOWN");
    assertFalse(get.text().contains("fire"), get::toString);
    assertHeadError(client.head("/v2/broken/app/manifests/latest"), 500);
  }

  @Test
  void failedChunkWriteLeavesTheSessionUsable() {
    String location = client.startUpload("broken/app").header("Location");
    Response first = client.patch(location, Arrays.copyOfRange(BLOB, 0, 4),
        "Content-Range", "0-3");
    assertEquals(202, first.status(), first::toString);
    doThrow(new StorageException(SECRET)).when(storage).writer(contains("/_uploads/"));

    assertErrors(client.patch(first.header("Location"), Arrays.copyOfRange(BLOB, 4, 10),
        "Content-Range", "4-9"), 500, "UNKNOWN");

    reset(storage);
    Response status = client.get(location);
    assertEquals(204, status.status());
    assertEquals("0-3", status.header("Range"));
    Response second = client.patch(location, Arrays.copyOfRange(BLOB, 4, 10),
        "Content-Range", "4-9");
    assertEquals(202, second.status(), second::toString);
    Digest digest = Digest.sha256(BLOB);
    assertEquals(201, client.put(withQuery(location, "digest=" + digest), null).status());
    assertArrayEquals(BLOB, client.get("/v2/broken/app/blobs/" + digest).body());
  }

  @Test
  void failedManifestWriteStoresNoTag() {
    byte[] layer = "layer".getBytes(StandardCharsets.UTF_8);
    Digest layerDigest = client.pushBlob("broken/app", layer);
    byte[] manifest = RegistryClient.smallManifest(layerDigest,
        layer.length, "m", null, null);
    doThrow(new StorageException(SECRET)).when(storage).write(contains("/revisions/"),
        any());

    assertErrors(client.putManifest("broken/app", "latest",
        "application/vnd.oci.image.manifest.v1+json", manifest), 500, "UNKNOWN");

    reset(storage);
    assertErrors(client.get("/v2/broken/app/manifests/latest"), 404, "MANIFEST_UNKNOWN");
  }

  /**
   * A full disk is not an internal error: the client hears 507 with distribution's
   * {@code UNAVAILABLE} code (ErrorCode.STORAGE_FULL), nothing of the request is stored, and what
   * was stored before still reads.
   */
  @Test
  void aFullStorageIs507UnavailableAndReadsKeepWorking() {
    Digest stored = client.pushBlob("broken/app", BLOB);
    byte[] more = "no room for these bytes".getBytes(StandardCharsets.UTF_8);
    Digest refused = Digest.sha256(more);
    doThrow(new StorageFullException("write blob: the storage is full (" + SECRET + ")",
        new java.io.IOException("No space left on device"))).when(storage).writer(anyString());

    Response post = client.post("/v2/broken/app/blobs/uploads/?digest=" + refused, more,
        "Content-Type", "application/octet-stream");

    assertErrors(post, 507, "UNAVAILABLE");
    assertFalse(post.text().contains("fire"), post::toString);
    reset(storage);
    assertErrors(client.get("/v2/broken/app/blobs/" + refused), 404, "BLOB_UNKNOWN");
    assertArrayEquals(BLOB, client.get("/v2/broken/app/blobs/" + stored).body());
  }
}
