package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.RandomBlob;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upload session lives in storage, not in the process: after the launcher is killed (SIGKILL,
 * no shutdown hook) a new process on the same directory, on another port, continues the session at
 * the same path and id, and still refuses a chunk it already holds.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UploadRestartIT {

  static final String REPO = "it/restart";

  @TempDir
  Path data;

  @Test
  void uploadContinuesAfterTheProcessIsKilled() throws Exception {
    byte[] blob = new RandomBlob(42, 3 * 1024 * 1024 + 17).bytes();
    int split = 1024 * 1024 + 5;
    byte[] chunk1 = Arrays.copyOfRange(blob, 0, split);
    byte[] chunk2 = Arrays.copyOfRange(blob, split, blob.length);
    Digest digest = Digest.sha256(blob);

    String sessionPath;
    String uploadId;
    URI firstUrl;
    try (BerthProcess first = BerthProcess.start("--storage", data.toString())) {
      firstUrl = first.url();
      RegistryClient client = new RegistryClient(first.url());
      RegistryClient.Response started = client.post("/v2/" + REPO + "/blobs/uploads/", null);
      assertEquals(202, started.status(), started::toString);
      uploadId = started.header("Docker-Upload-UUID");
      RegistryClient.Response patched = client.patch(started.header("Location"), chunk1,
          "Content-Type", "application/octet-stream", "Content-Range", "0-" + (split - 1));
      assertEquals(202, patched.status(), patched::toString);
      assertEquals("0-" + (split - 1), patched.header("Range"));
      URI location = client.resolve(patched.header("Location"));
      sessionPath = location.getRawPath() + (location.getRawQuery() == null ? ""
          : "?" + location.getRawQuery());
      assertTrue(sessionPath.contains(uploadId), sessionPath);
      first.kill();
      assertTrue(!first.isAlive(), "SIGKILL did not end the launcher");
    }

    try (BerthProcess second = BerthProcess.start("--storage", data.toString())) {
      assertNotEquals(firstUrl, second.url(), "the new process should listen elsewhere");
      RegistryClient client = new RegistryClient(second.url());

      RegistryClient.Response status = client.get(sessionPath);
      assertEquals(204, status.status(), () -> status + "\n" + second.output());
      assertEquals("0-" + (split - 1), status.header("Range"));
      assertEquals(uploadId, status.header("Docker-Upload-UUID"));
      assertTrue(status.header("Location").contains(uploadId), status::toString);

      // The chunk the killed process already stored is refused, and changes nothing.
      RegistryClient.Response repeated = client.patch(sessionPath, chunk1,
          "Content-Type", "application/octet-stream", "Content-Range", "0-" + (split - 1));
      assertEquals(416, repeated.status(), repeated::toString);
      assertEquals("RANGE_INVALID", repeated.errorCodes().get(0), repeated::toString);
      RegistryClient.Response unchanged = client.get(sessionPath);
      assertEquals(204, unchanged.status(), unchanged::toString);
      assertEquals("0-" + (split - 1), unchanged.header("Range"));

      RegistryClient.Response patched = client.patch(sessionPath, chunk2,
          "Content-Type", "application/octet-stream",
          "Content-Range", split + "-" + (blob.length - 1));
      assertEquals(202, patched.status(), patched::toString);
      assertEquals("0-" + (blob.length - 1), patched.header("Range"));

      RegistryClient.Response done = client.put(
          RegistryClient.withQuery(patched.header("Location"), "digest=" + digest), null);
      assertEquals(201, done.status(), done::toString);
      assertEquals(digest.toString(), done.header("Docker-Content-Digest"));

      RegistryClient.Response pulled = client.get("/v2/" + REPO + "/blobs/" + digest);
      assertEquals(200, pulled.status(), pulled::toString);
      assertArrayEquals(blob, pulled.body());

      RegistryClient.Response gone = client.get(sessionPath);
      assertEquals(404, gone.status(), "a finished session is gone: " + gone);
      assertTrue(second.isAlive(), second::output);
    }
  }
}
