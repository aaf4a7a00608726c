package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertBody;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertHeadError;
import static dev.berth.registry.servlet.testing.RegistryClient.pathAndQuery;
import static dev.berth.registry.servlet.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.Registry;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload sessions live in storage, not in the server: a session begun before a restart continues
 * after it on a new {@link Registry} over the same directory, and old sessions are purged by age.
 */
class UploadSessionStorageTest extends HttpSuite {

  private static final String REPO = "sessions/app";
  private static final byte[] BLOB = "0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path root;

  private final TestClock clock = TestClock.atSystemTime();

  @Override
  protected Registry newRegistry() {
    return Registry.builder().filesystem(root).clock(clock).uploadMaxAge(Duration.ofHours(1))
        .build();
  }

  /** Stops the server and serves a new registry on the same directory, on a new port. */
  private void restartWith(Registry registry) throws Exception {
    server.close();
    server = container().start(registry);
    client = new RegistryClient(server.url());
  }

  private Response patch(String location, int from, int to) {
    return client.patch(pathAndQuery(location), Arrays.copyOfRange(BLOB, from, to),
        "Content-Type", "application/octet-stream", "Content-Range", from + "-" + (to - 1));
  }

  private String id(String location) {
    return Path.of(java.net.URI.create(location).getPath()).getFileName().toString();
  }

  @Test
  void sessionContinuesOnANewRegistryOverTheSameDirectory() throws Exception {
    Digest digest = Digest.sha256(BLOB);
    String location = client.startUpload(REPO).header("Location");
    Response first = patch(location, 0, 8);
    assertEquals(202, first.status(), first::toString);
    assertTrue(Files.isRegularFile(root.resolve("docker/registry/v2/repositories/" + REPO
        + "/_uploads/" + id(location) + "/startedat")), "registry:2's session layout");

    restartWith(Registry.builder().filesystem(root).build());

    Response status = client.get(pathAndQuery(first.header("Location")));
    assertEquals(204, status.status(), status::toString);
    assertEquals("0-7", status.header("Range"));
    Response second = patch(first.header("Location"), 8, 16);
    assertEquals(202, second.status(), second::toString);
    assertEquals("0-15", second.header("Range"));
    Response put = client.put(withQuery(pathAndQuery(second.header("Location")),
        "digest=" + digest), Arrays.copyOfRange(BLOB, 16, 20),
        "Content-Type", "application/octet-stream");
    assertEquals(201, put.status(), put::toString);

    Response get = client.get("/v2/" + REPO + "/blobs/" + digest);
    assertEquals(200, get.status(), get::toString);
    assertBody(get, BLOB, digest);
  }

  @Test
  void contentIsVerifiedAfterARestartToo() throws Exception {
    String location = client.startUpload(REPO).header("Location");
    assertEquals(202, patch(location, 0, 10).status());

    restartWith(Registry.builder().filesystem(root).build());

    Digest claimed = Digest.sha256(Arrays.copyOfRange(BLOB, 0, 10));
    Response put = client.put(withQuery(pathAndQuery(location), "digest=" + claimed),
        Arrays.copyOfRange(BLOB, 10, 20), "Content-Type", "application/octet-stream");
    assertErrors(put, 400, "DIGEST_INVALID");
    assertHeadError(client.head("/v2/" + REPO + "/blobs/" + claimed), 404);
    assertHeadError(client.head("/v2/" + REPO + "/blobs/" + Digest.sha256(BLOB)), 404);
  }

  @Test
  void purgeRemovesOnlySessionsOlderThanTheMaximumAge() {
    String old = client.startUpload(REPO).header("Location");
    assertEquals(202, patch(old, 0, 5).status());
    clock.advance(Duration.ofHours(2));
    String fresh = client.startUpload(REPO).header("Location");

    assertEquals(1, server.registry().purgeUploads());

    assertErrors(client.get(old), 404, "BLOB_UPLOAD_UNKNOWN");
    assertErrors(patch(old, 5, 10), 404, "BLOB_UPLOAD_UNKNOWN");
    assertEquals(204, client.get(fresh).status());
    assertEquals(0, server.registry().purgeUploads());
  }

  /** A start removes the sessions that expired while the registry was down. */
  @Test
  void aStartPurgesTheSessionsThatExpiredMeanwhile() throws Exception {
    String location = client.startUpload(REPO).header("Location");
    assertEquals(202, patch(location, 0, 5).status());
    String young = client.startUpload(REPO).header("Location");
    clock.advance(Duration.ofMinutes(30));
    String younger = client.startUpload(REPO).header("Location");
    clock.advance(Duration.ofMinutes(45));
    restartWith(Registry.builder().filesystem(root).clock(clock).uploadMaxAge(Duration.ofHours(1))
        .build());

    assertEquals(2, server.registry().startReport().uploadsPurged());
    assertEquals(0, server.registry().purgeUploads());
    assertEquals(204, client.get(pathAndQuery(younger)).status());
    assertErrors(client.get(pathAndQuery(young)), 404, "BLOB_UPLOAD_UNKNOWN");

    assertErrors(client.get(pathAndQuery(location)), 404, "BLOB_UPLOAD_UNKNOWN");
    assertTrue(Files.notExists(root.resolve("docker/registry/v2/repositories/" + REPO
        + "/_uploads/" + id(location))), "the session's files are gone");
  }
}
