package dev.berth.it;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.PrivateTmpfs;
import dev.berth.it.support.Programs;
import dev.berth.it.support.StorageProbe;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher on an 8 MiB tmpfs that only it sees ({@link PrivateTmpfs}), filled with 1 MiB
 * blobs until the storage is full. Every write that finds no room gets 507 {@code UNAVAILABLE},
 * saying that the storage is full (never a 500); what was stored before reads back; nothing half
 * written is visible on disk or over HTTP, and no temporary file is left to keep the disk full;
 * after deleting and collecting garbage, pushes work again, and an upload cut by the full disk
 * resumes.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiskFullIT {

  private static final String REPO = "full/app";
  private static final int MIB = 1024 * 1024;

  @TempDir
  Path folder;

  private final Random random = new Random(507);

  @Test
  void fullStorageAnswers507KeepsReadsAndRecoversAfterGarbageCollection() throws Exception {
    Path storage = Files.createDirectories(folder.resolve("storage"));
    PrivateTmpfs tmpfs = PrivateTmpfs.require(storage, "8m");
    List<String> serve = List.of(BerthProcess.java(), "-jar", BerthProcess.jar().toString(),
        "serve", "--port", "0", "--host", "127.0.0.1", "--storage", storage.toString());
    try (BerthProcess berth = BerthProcess.launchCommand(tmpfs.wrap(serve))) {
      RegistryClient client = new RegistryClient(berth.url());
      Path seen = tmpfs.seenBy(berth.pid());
      assertTrue(Files.readAllLines(Path.of("/proc/" + berth.pid() + "/mounts")).stream()
          .anyMatch(m -> m.startsWith("tmpfs " + storage + " tmpfs ")),
          "the launcher's storage is not its own tmpfs");
      StorageProbe disk = new StorageProbe(seen);
      Digest image = client.pushSmallImage(REPO, "v1", "before the disk filled");
      byte[] manifest = client.get("/v2/" + REPO + "/manifests/v1").body();

      List<Digest> stored = new ArrayList<>();
      Response full = null;
      Digest refused = null;
      for (int i = 0; i < 16 && full == null; i++) {
        byte[] blob = mebibyte();
        Digest digest = Digest.sha256(blob);
        Response push = client.post("/v2/" + REPO + "/blobs/uploads/?digest=" + digest, blob,
            "Content-Type", "application/octet-stream");
        if (push.status() == 201) {
          stored.add(digest);
        } else {
          full = push;
          refused = digest;
        }
      }
      assertNotNull(full, "16 MiB of blobs fit on an 8 MiB tmpfs");
      assertFull(full);
      assertTrue(stored.size() >= 3, () -> "only " + stored.size() + " MiB fit before 507");
      // Room for one more session, then the last pages go to smaller blobs.
      String session = RegistryClient.pathAndQuery(client.startUpload(REPO).header("Location"));
      String whole = RegistryClient.pathAndQuery(client.startUpload(REPO).header("Location"));
      int small = 0;
      for (int size : new int[] {64 * 1024, 4096, 8}) {
        for (Response push = null; push == null || push.status() == 201; small++) {
          byte[] blob = Arrays.copyOf(mebibyte(), size);
          Digest digest = Digest.sha256(blob);
          push = client.post("/v2/" + REPO + "/blobs/uploads/?digest=" + digest, blob,
              "Content-Type", "application/octet-stream");
          if (push.status() == 201) {
            stored.add(digest);
          } else {
            assertFull(push);
          }
          assertTrue(small < 1000, "the disk never filled up");
        }
      }

      // Every other way of writing finds the storage full too.
      assertFull(client.post("/v2/" + REPO + "/blobs/uploads/", null));
      assertFull(client.post("/v2/full/other/blobs/uploads/?mount=" + stored.get(0) + "&from="
          + REPO, null));
      assertFull(client.putManifest(REPO, "v2", MediaTypes.OCI_MANIFEST, manifest));
      byte[] another = RegistryClient.smallManifest(stored.get(0), MIB, "full", null, null);
      assertFull(client.putManifest(REPO, "full", MediaTypes.OCI_MANIFEST, another));
      byte[] chunked = mebibyte();
      assertFull(client.patch(session, chunked, "Content-Type", "application/octet-stream"));
      byte[] monolithic = mebibyte();
      assertFull(client.put(RegistryClient.withQuery(whole, "digest="
          + Digest.sha256(monolithic)), monolithic, "Content-Type", "application/octet-stream"));

      // What was stored before reads back; the refused blob is not there.
      assertArrayEquals(manifest, client.get("/v2/" + REPO + "/manifests/" + image).body());
      for (Digest digest : stored) {
        Response get = client.get("/v2/" + REPO + "/blobs/" + digest);
        assertEquals(200, get.status(), get::toString);
        assertEquals(digest, Digest.sha256(get.body()));
      }
      assertErrors(client.get("/v2/" + REPO + "/blobs/" + refused), 404, "BLOB_UNKNOWN");
      assertErrors(client.get("/v2/" + REPO + "/blobs/" + Digest.sha256(monolithic)), 404,
          "BLOB_UNKNOWN");
      assertErrors(client.get("/v2/" + REPO + "/manifests/v2"), 404, "MANIFEST_UNKNOWN");
      assertErrors(client.get("/v2/" + REPO + "/manifests/full"), 404, "MANIFEST_UNKNOWN");
      assertErrors(client.get("/v2/" + REPO + "/manifests/" + Digest.sha256(another)), 404,
          "MANIFEST_UNKNOWN");
      assertErrors(client.get("/v2/full/other/blobs/" + stored.get(0)), 404, "NAME_UNKNOWN");
      assertNothingHalfWritten(disk, seen);

      // Delete, collect garbage, push again.
      for (Digest digest : stored) {
        assertEquals(202, client.delete("/v2/" + REPO + "/blobs/" + digest).status());
      }
      Programs.Result gc = Programs.run(null, null, Duration.ofSeconds(90),
          tmpfs.enter(berth.pid(), List.of(BerthProcess.java(), "-jar",
              BerthProcess.jar().toString(), "gc", "--storage", storage.toString(),
              "--grace-period", "0s")).toArray(String[]::new));
      assertTrue(gc.ok(), gc::toString);
      byte[] after = mebibyte();
      Digest pushed = client.pushBlob(REPO, after);
      assertArrayEquals(after, client.get("/v2/" + REPO + "/blobs/" + pushed).body());
      assertArrayEquals(manifest, client.get("/v2/" + REPO + "/manifests/v1").body());

      // The chunk cut by the full disk kept a prefix or nothing; the upload resumes from there.
      Response status = client.get(session);
      assertEquals(204, status.status(), status::toString);
      String range = status.header("Range");
      int kept = Integer.parseInt(range.substring(range.indexOf('-') + 1)) + 1;
      kept = kept == 1 && !hasParts(seen, session) ? 0 : kept;
      Response rest = client.patch(session, Arrays.copyOfRange(chunked, kept, chunked.length),
          "Content-Type", "application/octet-stream",
          "Content-Range", kept + "-" + (chunked.length - 1));
      assertEquals(202, rest.status(), rest::toString);
      Digest resumed = Digest.sha256(chunked);
      Response done = client.put(RegistryClient.withQuery(session, "digest=" + resumed), null);
      assertEquals(201, done.status(), done::toString);
      assertArrayEquals(chunked, client.get("/v2/" + REPO + "/blobs/" + resumed).body());
      assertNothingHalfWritten(disk, seen);
      assertEquals(201, client.putManifest(REPO, "after", MediaTypes.OCI_MANIFEST,
          RegistryClient.smallManifest(pushed, after.length, "after", null, null)).status());
    }
  }

  private byte[] mebibyte() {
    byte[] bytes = new byte[MIB];
    random.nextBytes(bytes);
    return bytes;
  }

  /** 507 UNAVAILABLE in the envelope, saying that the storage is full. */
  private static void assertFull(Response response) {
    assertErrors(response, 507, "UNAVAILABLE");
    assertTrue(response.errorMessage().toLowerCase(Locale.ROOT).contains("storage is full"),
        response::toString);
  }

  /**
   * Every blob file hashes to its digest, every link names a blob that is there, and no
   * temporary file outlived its failed write (one left behind would keep the disk full).
   */
  private static void assertNothingHalfWritten(StorageProbe disk, Path seen) throws IOException {
    List<String> problems = new ArrayList<>();
    assertTrue(disk.verifyBlobFiles((path, why) -> problems.add(path + ": " + why)) > 0);
    assertTrue(disk.verifyLinks((path, why) -> problems.add(path + ": " + why)) > 0);
    try (Stream<Path> temporary = Files.walk(seen.resolve(".berth-tmp"))) {
      temporary.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().equals("owner.lock"))
          .forEach(f -> problems.add(seen.relativize(f) + ": a temporary file left behind"));
    }
    assertEquals(List.of(), problems);
  }

  /** Whether the session holds a chunk on disk (an empty one also answers Range: 0-0). */
  private static boolean hasParts(Path seen, String session) throws IOException {
    String id = session.replaceAll(".*/uploads/([^?]+).*", "$1");
    Path parts = seen.resolve("docker/registry/v2/repositories/" + REPO + "/_uploads/" + id
        + "/_berth/parts");
    if (!Files.isDirectory(parts)) {
      return false;
    }
    try (Stream<Path> list = Files.list(parts)) {
      return list.findAny().isPresent();
    }
  }
}
