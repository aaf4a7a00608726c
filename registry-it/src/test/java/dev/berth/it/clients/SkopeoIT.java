package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * umoci builds an OCI image layout from scratch; skopeo moves it into Berth (as OCI and as Docker
 * schema 2), inspects it, lists tags, copies it back out, copies it between repositories (a
 * cross-repository mount), deletes it and syncs a repository. Every check compares bytes and
 * digests with the layout umoci wrote.
 */
class SkopeoIT {

  @TempDir
  static Path storage;
  @TempDir
  static Path work;

  static BerthProcess berth;
  static RegistryClient http;
  static String reg;
  static Oci.Layout layout;
  static String manifestDigest;
  static JsonObject manifest;
  static String configDigest;
  static String layerDigest;
  static Skopeo skopeo;

  @BeforeAll
  static void buildLayoutAndPush() throws Exception {
    Programs.require("umoci");
    Programs.require("skopeo");
    berth = Launcher.start(storage);
    http = new RegistryClient(berth.url());
    reg = berth.authority();
    skopeo = new Skopeo(work, reg);

    layout = buildWithUmoci(work.resolve("layout"), work.resolve("bundle"));
    manifestDigest = layout.manifestDigest("v1");
    manifest = Oci.json(layout.blob(manifestDigest));
    configDigest = manifest.getAsJsonObject("config").get("digest").getAsString();
    layerDigest = Oci.layerDigests(manifest).get(0);

    skopeo("copy", "--dest-tls-verify=false", "oci:" + layout.dir() + ":v1",
        "docker://" + reg + "/lab/umoci:v1");
    skopeo("copy", "--dest-tls-verify=false", "--format", "v2s2", "oci:" + layout.dir() + ":v1",
        "docker://" + reg + "/lab/umoci:v2s2");
  }

  @AfterAll
  static void stop() throws Exception {
    Launcher.stop(berth);
  }

  /** umoci init/new/unpack/repack/config/gc: one gzip layer with two files, a real config. */
  static Oci.Layout buildWithUmoci(Path dir, Path bundle) throws IOException {
    String image = dir + ":v1";
    umoci("init", "--layout", dir.toString());
    umoci("new", "--image", image);
    List<String> unpack = new ArrayList<>(List.of("umoci", "unpack"));
    if (!isRoot()) {
      unpack.add("--rootless");
    }
    unpack.addAll(List.of("--image", image, bundle.toString()));
    Cli.check(work, null, unpack);
    Files.createDirectories(bundle.resolve("rootfs/etc"));
    Files.writeString(bundle.resolve("rootfs/hello.txt"), "hello from berth's umoci test\n");
    Files.writeString(bundle.resolve("rootfs/etc/motd"), "berth\n");
    umoci("repack", "--image", image, bundle.toString());
    umoci("config", "--image", image, "--config.entrypoint", "/bin/sh", "--config.cmd", "-c",
        "--config.cmd", "cat /hello.txt", "--config.env", "GREETING=hi", "--config.label",
        "org.opencontainers.image.title=berth-test", "--architecture", "amd64", "--os", "linux",
        "--author", "berth");
    umoci("gc", "--layout", dir.toString());
    return new Oci.Layout(dir);
  }

  static boolean isRoot() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  static Cli.Out umoci(String... args) {
    return Cli.check(work, null, Cli.concat(List.of("umoci"), args));
  }

  static Cli.Out skopeo(String... args) {
    return skopeo.check(args);
  }

  static RegistryClient.Response getManifest(String repository, String reference) {
    return http.get("/v2/" + repository + "/manifests/" + reference, Oci.ACCEPT_ALL);
  }

  @Test
  void ociCopyKeepsTheLayoutsManifestByteForByte() {
    byte[] raw = skopeo("inspect", "--tls-verify=false", "--raw",
        "docker://" + reg + "/lab/umoci:v1").stdout();
    byte[] original = layout.blob(manifestDigest);
    assertArrayEquals(original, raw, "skopeo inspect --raw differs from umoci's manifest:\n"
        + new String(raw, StandardCharsets.UTF_8));
    assertEquals(manifestDigest, Oci.sha256(raw));

    RegistryClient.Response served = getManifest("lab/umoci", "v1");
    assertEquals(200, served.status(), served::toString);
    assertArrayEquals(original, served.body(), "Berth serves other bytes than were pushed");
    assertEquals(Oci.OCI_MANIFEST, served.header("Content-Type"));
    assertEquals(manifestDigest, served.header("Docker-Content-Digest"));

    JsonObject inspect = Oci.json(skopeo("inspect", "--tls-verify=false",
        "docker://" + reg + "/lab/umoci:v1").text());
    assertEquals(manifestDigest, inspect.get("Digest").getAsString(), inspect::toString);
    assertEquals(List.of(layerDigest), Oci.strings(inspect.getAsJsonArray("Layers")));
    assertEquals("amd64", inspect.get("Architecture").getAsString());
    assertEquals("linux", inspect.get("Os").getAsString());
    assertTrue(Oci.strings(inspect.getAsJsonArray("Env")).contains("GREETING=hi"),
        inspect::toString);
    assertEquals("berth-test", inspect.getAsJsonObject("Labels")
        .get("org.opencontainers.image.title").getAsString());
    assertEquals(List.of("v1", "v2s2"), Oci.strings(inspect.getAsJsonArray("RepoTags")));

    byte[] config = skopeo("inspect", "--tls-verify=false", "--config", "--raw",
        "docker://" + reg + "/lab/umoci:v1").stdout();
    assertArrayEquals(layout.blob(configDigest), config, "the config blob changed on the way");
  }

  @Test
  void v2s2CopyConvertsTheManifestButKeepsTheBlobs() {
    byte[] raw = skopeo("inspect", "--tls-verify=false", "--raw",
        "docker://" + reg + "/lab/umoci:v2s2").stdout();
    JsonObject m = Oci.json(raw);
    assertEquals(Oci.DOCKER_MANIFEST, m.get("mediaType").getAsString(), m::toString);
    assertEquals(Oci.DOCKER_CONFIG, m.getAsJsonObject("config").get("mediaType").getAsString());
    assertEquals(configDigest, m.getAsJsonObject("config").get("digest").getAsString());
    assertEquals(List.of(layerDigest), Oci.layerDigests(m));
    assertEquals(List.of(Oci.DOCKER_LAYER_GZIP), Oci.layerMediaTypes(m));

    RegistryClient.Response served = getManifest("lab/umoci", "v2s2");
    assertEquals(200, served.status(), served::toString);
    assertArrayEquals(raw, served.body());
    assertEquals(Oci.DOCKER_MANIFEST, served.header("Content-Type"));
    String digest = Oci.sha256(raw);
    assertEquals(digest, served.header("Docker-Content-Digest"));
    assertNotEquals(manifestDigest, digest);
    JsonObject inspect = Oci.json(skopeo("inspect", "--tls-verify=false", "--no-tags",
        "docker://" + reg + "/lab/umoci:v2s2").text());
    assertEquals(digest, inspect.get("Digest").getAsString());
  }

  @Test
  void listTagsShowsExactlyThePushedTags() {
    JsonObject tags = Oci.json(skopeo("list-tags", "--tls-verify=false",
        "docker://" + reg + "/lab/umoci").text());
    assertEquals(reg + "/lab/umoci", tags.get("Repository").getAsString());
    assertEquals(List.of("v1", "v2s2"), Oci.strings(tags.getAsJsonArray("Tags")), tags::toString);
  }

  @Test
  void copyBackToAnOciLayoutReproducesEveryBlob() {
    Path back = work.resolve("back");
    skopeo("copy", "--src-tls-verify=false", "docker://" + reg + "/lab/umoci:v1",
        "oci:" + back + ":v1");
    Oci.Layout copy = new Oci.Layout(back);
    assertEquals(manifestDigest, copy.manifestDigest("v1"));
    Map<String, byte[]> originals = layout.blobs();
    Map<String, byte[]> copies = copy.blobs();
    assertEquals(new TreeMap<>(originals).keySet(), new TreeMap<>(copies).keySet(),
        "the copied-back layout holds other blobs");
    for (Map.Entry<String, byte[]> e : copies.entrySet()) {
      assertEquals(e.getKey(), Oci.sha256(e.getValue()), "blob content does not match its name");
      assertArrayEquals(originals.get(e.getKey()), e.getValue(), e.getKey());
    }
    // The layer really is umoci's file tree.
    Map<String, Oci.TarEntry> files = Oci.untar(Oci.gunzip(copy.blob(layerDigest)));
    assertEquals("hello from berth's umoci test\n",
        new String(files.get("hello.txt").content(), StandardCharsets.UTF_8), files::toString);
  }

  @Test
  void copyBetweenRepositoriesMountsTheLayer() throws IOException {
    Cli.Out out = skopeo("--debug", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
        "docker://" + reg + "/lab/umoci:v1", "docker://" + reg + "/lab/copy:v1");
    String log = out.all();
    String hex = Oci.hex(layerDigest);
    // skopeo's blob-info cache knows lab/umoci holds the layer (it pushed it there), so it asks
    // Berth to mount it; Berth must say 201 and skopeo then skips the upload.
    assertTrue(log.contains("POST http://" + reg + "/v2/lab/copy/blobs/uploads/?from=")
        && log.contains("mount=sha256%3A" + hex), "skopeo did not try a mount:\n" + log);
    assertTrue(log.contains("... mount OK"), "Berth refused the mount:\n" + log);
    assertFalse(log.contains("digest=sha256%3A" + hex), "the layer was uploaded again:\n" + log);

    RegistryClient.Response head = http.head("/v2/lab/copy/blobs/" + layerDigest);
    assertEquals(200, head.status(), head::toString);
    assertEquals(String.valueOf(layout.blob(layerDigest).length), head.header("Content-Length"));
    Path link = Oci.layerLink(storage, "lab/copy", layerDigest);
    assertTrue(Files.isRegularFile(link), "no _layers link in the target repository: " + link);
    assertEquals(layerDigest, Files.readString(link));
    assertEquals(manifestDigest, getManifest("lab/copy", "v1").header("Docker-Content-Digest"));
  }

  @Test
  void deleteRemovesTheManifestAndEveryTagOnIt() {
    for (String tag : List.of("a", "b")) {
      skopeo("copy", "--src-tls-verify=false", "--dest-tls-verify=false",
          "docker://" + reg + "/lab/umoci:v1", "docker://" + reg + "/lab/del:" + tag);
    }
    assertEquals(200, getManifest("lab/del", manifestDigest).status());

    skopeo("delete", "--tls-verify=false", "docker://" + reg + "/lab/del:a");

    for (String tag : List.of("a", "b")) {
      Cli.Out gone = skopeo.run("inspect", "--tls-verify=false",
          "docker://" + reg + "/lab/del:" + tag);
      assertFalse(gone.ok(), "still inspectable after delete: " + gone);
      assertTrue(gone.all().contains("manifest unknown"), gone::toString);
    }
    RegistryClient.Response byDigest = getManifest("lab/del", manifestDigest);
    assertEquals(404, byDigest.status(), byDigest::toString);
    RegistryClient.Response tags = http.get("/v2/lab/del/tags/list");
    assertTrue(tags.status() == 404 || Oci.strings(tags.json().getAsJsonArray("tags")).isEmpty(),
        tags::toString);
    // The same manifest in another repository is untouched.
    JsonObject still = Oci.json(skopeo("inspect", "--tls-verify=false", "--no-tags",
        "docker://" + reg + "/lab/umoci:v1").text());
    assertEquals(manifestDigest, still.get("Digest").getAsString());
  }

  @Test
  void syncCopiesEveryTagOfARepository() throws IOException {
    Cli.Out out = skopeo("sync", "--src", "docker", "--dest", "docker", "--src-tls-verify=false",
        "--dest-tls-verify=false", reg + "/lab/umoci", reg + "/mirror");
    assertTrue(out.all().contains("Synced 2 images from 1 sources"), out::toString);
    assertSameTags("lab/umoci", "mirror/umoci");

    // And through a directory, as an air-gapped mirror does.
    Path dir = Files.createDirectories(work.resolve("sync-dir"));
    skopeo("sync", "--src", "docker", "--dest", "dir", "--src-tls-verify=false",
        reg + "/lab/umoci", dir.toString());
    skopeo("sync", "--src", "dir", "--dest", "docker", "--dest-tls-verify=false", dir.toString(),
        reg + "/fromdir");
    assertSameTags("lab/umoci", "fromdir/umoci");
  }

  private void assertSameTags(String source, String target) {
    JsonObject tags = Oci.json(skopeo("list-tags", "--tls-verify=false",
        "docker://" + reg + "/" + target).text());
    assertEquals(List.of("v1", "v2s2"), Oci.strings(tags.getAsJsonArray("Tags")), tags::toString);
    for (String tag : List.of("v1", "v2s2")) {
      RegistryClient.Response a = getManifest(source, tag);
      RegistryClient.Response b = getManifest(target, tag);
      assertEquals(200, b.status(), b::toString);
      assertArrayEquals(a.body(), b.body(), target + ":" + tag);
      assertEquals(a.header("Docker-Content-Digest"), b.header("Docker-Content-Digest"));
    }
  }
}
