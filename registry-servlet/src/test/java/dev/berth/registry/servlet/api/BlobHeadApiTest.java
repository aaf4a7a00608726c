package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertHeadError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.verify;

import dev.berth.registry.Registry;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A client HEADs each layer before it pushes it. A HEAD of a blob the repository lacks is a 404
 * from the links alone: its answer has no body to carry NAME_UNKNOWN or BLOB_UNKNOWN, so the
 * repository's folder is not listed (on S3 a LIST, whose answer on Ceph as shipped waits about
 * 40 ms). A GET still tells the two apart.
 */
class BlobHeadApiTest extends HttpSuite {
  private Storage storage;

  @Override
  protected Registry newRegistry() {
    storage = spy(InMemoryStorage.create());
    return Registry.builder().storage(storage).build();
  }

  @Test
  void aHeadOfAMissingBlobListsNothing() {
    client.pushBlob("team/app", "present".getBytes(StandardCharsets.UTF_8));
    Digest missing = Digest.sha256("not pushed".getBytes(StandardCharsets.UTF_8));
    clearInvocations(storage);

    assertHeadError(client.head("/v2/team/app/blobs/" + missing), 404);
    assertHeadError(client.head("/v2/no/such/repo/blobs/" + missing), 404);
    verify(storage, never()).list(anyString(), any(), anyInt());

    assertErrors(client.get("/v2/team/app/blobs/" + missing), 404, "BLOB_UNKNOWN");
    assertErrors(client.get("/v2/no/such/repo/blobs/" + missing), 404, "NAME_UNKNOWN");
    Digest present = Digest.sha256("present".getBytes(StandardCharsets.UTF_8));
    assertEquals(200, client.head("/v2/team/app/blobs/" + present).status());
  }
}
