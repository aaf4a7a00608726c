package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.CephRgw;
import dev.berth.it.support.Programs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * berth.jar over a real Ceph RADOS Gateway (scripts/ceph-rgw): the storage.s3.* flags, a
 * registry:2 config.yml's storage.s3 section, and what a start says when the store refuses
 * (exit 2, the key at fault, the store's answer, never the secret key).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3LauncherIT {

  @TempDir
  Path work;

  @Test
  void aStartTheStoreRefusesNamesTheKeyAndTheStoresAnswer() {
    CephRgw ceph = CephRgw.get();
    Programs.Result missing = serve(ceph, "--s3-bucket", "no-such-bucket");
    assertEquals(2, missing.exitCode(), missing::toString);
    assertTrue(missing.output().contains("berth: storage.s3.bucket = 'no-such-bucket' (from"
        + " --s3-bucket): S3 bucket \"no-such-bucket\" at " + ceph.endpoint()
        + " does not exist (create it first) [the S3 store answered 404 NoSuchBucket"),
        missing::toString);

    Programs.Result denied = serve(ceph, "--s3-access-key", "nobody", "--s3-secret-key",
        "not-the-secret");
    assertEquals(2, denied.exitCode(), denied::toString);
    assertTrue(denied.output().contains("berth: storage.s3.accessKey = 'nobody' (from"
        + " --s3-access-key): S3 bucket \"" + ceph.bucket() + "\" at " + ceph.endpoint()
        + " refused access (403)"), denied::toString);
    assertFalse(denied.output().contains("not-the-secret"), denied::toString);

    Programs.Result unreachable = serve(ceph, "--s3-endpoint", "http://127.0.0.1:1");
    assertEquals(2, unreachable.exitCode(), unreachable::toString);
    assertTrue(unreachable.output().contains("berth: storage.s3.endpoint = 'http://127.0.0.1:1'"
        + " (from --s3-endpoint): cannot reach the S3 store"), unreachable::toString);
    assertTrue(unreachable.output().contains("Connection refused"), unreachable::toString);
    for (Programs.Result r : List.of(missing, denied, unreachable)) {
      assertTrue(r.output().contains("berth: 1 problem in the configuration; nothing was"
          + " started"), r::toString);
      assertFalse(r.output().contains(ceph.secretKey()), r::toString);
    }
  }

  /**
   * One instance from a registry:2 config.yml (storage.s3 with distribution's keys, the endpoint
   * without a scheme and secure: false), one from Berth's flags, over the same prefix: what one
   * writes the other serves.
   */
  @Test
  void distributionsS3KeysAndBerthsFlagsServeTheSameBucket() throws Exception {
    CephRgw ceph = CephRgw.get();
    String prefix = "it-launcher-" + UUID.randomUUID();
    Path config = Files.writeString(work.resolve("config.yml"), String.join("\n",
        "version: 0.1",
        "http:",
        "  addr: 127.0.0.1:0",
        "storage:",
        "  s3:",
        "    accesskey: " + ceph.accessKey(),
        "    secretkey: " + ceph.secretKey(),
        "    region: " + ceph.region(),
        "    regionendpoint: " + URI.create(ceph.endpoint()).getAuthority(),
        "    secure: false",
        "    bucket: " + ceph.bucket(),
        "    rootdirectory: /" + prefix,
        "    forcepathstyle: true",
        "    chunksize: 5242880",
        "  delete:",
        "    enabled: true",
        ""), StandardCharsets.UTF_8);
    List<String> flags = new ArrayList<>(List.of("serve", "--port", "0", "--host", "127.0.0.1"));
    flags.addAll(ceph.flags(prefix));
    try (BerthProcess one = BerthProcess.launch(List.of(), Map.of(), "serve", config.toString());
        BerthProcess two = BerthProcess.launch(List.of(), Map.of(),
            flags.toArray(String[]::new))) {
      assertTrue(one.output().contains("berth: storage: S3 storage s3://" + ceph.bucket() + "/"
          + prefix + " at " + ceph.endpoint()), one::output);
      assertFalse(one.output().contains(ceph.secretKey()), one::output);
      assertFalse(two.output().contains(ceph.secretKey()), two::output);
      assertTrue(two.output().contains("storage.s3.secretKey=*** (--s3-secret-key)"),
          two::output);
      RegistryClient a = new RegistryClient(one.url());
      RegistryClient b = new RegistryClient(two.url());

      Digest manifest = a.pushFixtureImage("it/s3", "v1");
      RegistryClient.Response pulled = b.get("/v2/it/s3/manifests/v1",
          "Accept", "application/vnd.oci.image.manifest.v1+json");
      assertEquals(200, pulled.status(), pulled::toString);
      assertEquals(manifest, Digest.sha256(pulled.body()));
      assertEquals(manifest.toString(), pulled.header("Docker-Content-Digest"));

      // An upload started on one, its chunk sent to the other, finished on the first.
      byte[] blob = ("bytes written through two instances " + UUID.randomUUID())
          .getBytes(StandardCharsets.UTF_8);
      Digest digest = Digest.sha256(blob);
      String location = RegistryClient.pathAndQuery(a.startUpload("it/s3").header("Location"));
      RegistryClient.Response patched = b.patch(location, blob, "Content-Type",
          "application/octet-stream");
      assertEquals(202, patched.status(), patched::toString);
      RegistryClient.Response done = a.put(RegistryClient.withQuery(RegistryClient.pathAndQuery(
          patched.header("Location")), "digest=" + digest), null);
      assertEquals(201, done.status(), done::toString);
      RegistryClient.Response got = b.get("/v2/it/s3/blobs/" + digest);
      assertEquals(200, got.status(), got::toString);
      assertArrayEquals(blob, got.body());

      assertEquals(a.get("/v2/_catalog").text(), b.get("/v2/_catalog").text());
      assertEquals(a.get("/v2/it/s3/tags/list").text(), b.get("/v2/it/s3/tags/list").text());
      assertEquals(202, b.delete("/v2/it/s3/manifests/" + manifest).status());
      assertEquals(404, a.get("/v2/it/s3/manifests/v1").status());
      assertEquals(404, a.get("/v2/it/s3/manifests/" + manifest).status());
    }
  }

  private static Programs.Result serve(CephRgw ceph, String... overrides) {
    List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--host", "127.0.0.1"));
    args.addAll(ceph.flags("it-refused"));
    args.addAll(List.of(overrides));
    return BerthProcess.run(args.toArray(String[]::new));
  }
}
