package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * buildah builds a one-binary image from scratch (the static busybox) in private storage and
 * pushes it to Berth as OCI and as Docker schema 2. buildah streams each layer in one chunked
 * PATCH, compressing on the fly; the test unpacks what Berth serves and finds the very binary it
 * copied in.
 */
class BuildahIT {

  @TempDir
  static Path storage;
  @TempDir
  static Path work;

  static BerthProcess berth;
  static RegistryClient http;
  static String reg;
  static Map<String, String> env;
  static Path busybox;
  static String imageId;
  static JsonObject localConfig;

  @BeforeAll
  static void buildImage() throws Exception {
    Programs.require("buildah");
    Programs.require("busybox");
    busybox = onPath("busybox").toRealPath();
    berth = Launcher.start(storage);
    http = new RegistryClient(berth.url());
    reg = berth.authority();
    Files.createDirectories(work.resolve("tmp"));
    // chroot isolation needs no runtime; TMPDIR keeps buildah's big temporary files private.
    env = Map.of("BUILDAH_ISOLATION", "chroot", "TMPDIR", work.resolve("tmp").toString());

    String ctr = buildah("from", "--name", "berth-busybox", "scratch").text().trim();
    buildah("copy", "--chmod", "0755", ctr, busybox.toString(), "/bin/busybox");
    buildah("config", "--entrypoint", "[\"/bin/busybox\"]", "--cmd", "sh", "--env", "PATH=/bin",
        "--label", "org.opencontainers.image.title=berth-busybox", "--os", "linux", ctr);
    imageId = buildah("commit", "--format", "oci", ctr, "localhost/berth-busybox:latest").text()
        .trim();
    buildah("rm", ctr);
    localConfig = Oci.json(buildah("inspect", "--type", "image", "localhost/berth-busybox:latest")
        .text()).getAsJsonObject("OCIv1");
  }

  @AfterAll
  static void stop() throws Exception {
    Launcher.stop(berth);
  }

  static Path onPath(String program) {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(program + " not on PATH");
  }

  static Cli.Out buildah(String... args) {
    return Cli.check(work, env, Cli.concat(List.of("buildah", "--root",
        work.resolve("root").toString(), "--runroot", work.resolve("runroot").toString(),
        "--storage-driver", "vfs", "--registries-conf", registriesConf().toString()), args));
  }

  static Path registriesConf() {
    Path conf = work.resolve("registries.conf");
    try {
      if (!Files.exists(conf)) {
        Files.writeString(conf, "[[registry]]\nlocation = \"" + reg + "\"\ninsecure = true\n");
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return conf;
  }

  /** Pushes, returns the digest buildah reports, and checks Berth serves exactly that. */
  private JsonObject push(String tag, String... formatArgs) throws Exception {
    Path digestFile = work.resolve("digest-" + tag);
    List<String> args = Cli.concat(List.of("push", "--tls-verify=false", "--digestfile",
        digestFile.toString()), formatArgs);
    args.add("localhost/berth-busybox:latest");
    args.add("docker://" + reg + "/it/busybox:" + tag);
    buildah(args.toArray(String[]::new));
    String digest = Files.readString(digestFile).trim();
    RegistryClient.Response m = http.get("/v2/it/busybox/manifests/" + tag, Oci.ACCEPT_ALL);
    assertEquals(200, m.status(), m::toString);
    assertEquals(digest, m.header("Docker-Content-Digest"));
    assertEquals(digest, Oci.sha256(m.body()), "Berth serves other bytes than buildah pushed");
    JsonObject manifest = Oci.json(m.body());
    assertEquals(m.header("Content-Type"), manifest.get("mediaType").getAsString());
    return manifest;
  }

  /** The one layer holds bin/busybox, byte for byte the host's binary, mode 0755. */
  private void assertLayerIsBusybox(JsonObject manifest, JsonObject config) throws Exception {
    List<String> layers = Oci.layerDigests(manifest);
    assertEquals(1, layers.size(), manifest::toString);
    RegistryClient.Response blob = http.get("/v2/it/busybox/blobs/" + layers.get(0));
    assertEquals(200, blob.status(), blob::toString);
    assertEquals(layers.get(0), Oci.sha256(blob.body()));
    assertEquals(manifest.getAsJsonArray("layers").get(0).getAsJsonObject().get("size")
        .getAsLong(), blob.body().length);
    byte[] tar = Oci.gunzip(blob.body());
    assertEquals(Oci.strings(config.getAsJsonObject("rootfs").getAsJsonArray("diff_ids")),
        List.of(Oci.sha256(tar)), "diff_id is not the uncompressed layer's digest");
    Map<String, Oci.TarEntry> files = Oci.untar(tar);
    Oci.TarEntry bin = files.get("bin/busybox");
    assertNotNull(bin, () -> "no bin/busybox in the layer: " + files.keySet());
    assertArrayEquals(Files.readAllBytes(busybox), bin.content(), "bin/busybox differs");
    assertEquals(0755, bin.mode() & 0777);
  }

  private JsonObject config(JsonObject manifest) {
    String digest = manifest.getAsJsonObject("config").get("digest").getAsString();
    RegistryClient.Response c = http.get("/v2/it/busybox/blobs/" + digest);
    assertEquals(200, c.status(), c::toString);
    assertEquals(digest, Oci.sha256(c.body()));
    return Oci.json(c.body());
  }

  @Test
  void pushesTheOciImage() throws Exception {
    JsonObject manifest = push("oci");
    assertEquals(Oci.OCI_MANIFEST, manifest.get("mediaType").getAsString());
    assertEquals(Oci.OCI_CONFIG, manifest.getAsJsonObject("config").get("mediaType").getAsString());
    assertEquals(List.of(Oci.OCI_LAYER_GZIP), Oci.layerMediaTypes(manifest));
    assertEquals("sha256:" + imageId, manifest.getAsJsonObject("config").get("digest")
        .getAsString(), "the config is not the committed image's");
    JsonObject config = config(manifest);
    assertEquals(List.of("/bin/busybox"),
        Oci.strings(config.getAsJsonObject("config").getAsJsonArray("Entrypoint")));
    assertEquals(List.of("sh"), Oci.strings(config.getAsJsonObject("config").getAsJsonArray("Cmd")));
    assertEquals("linux", config.get("os").getAsString());
    assertEquals(localConfig.get("architecture").getAsString(),
        config.get("architecture").getAsString());
    assertLayerIsBusybox(manifest, config);
  }

  @Test
  void pushesTheDockerSchema2Image() throws Exception {
    JsonObject manifest = push("v2s2", "--format", "v2s2");
    assertEquals(Oci.DOCKER_MANIFEST, manifest.get("mediaType").getAsString());
    assertEquals(Oci.DOCKER_CONFIG,
        manifest.getAsJsonObject("config").get("mediaType").getAsString());
    assertEquals(List.of(Oci.DOCKER_LAYER_GZIP), Oci.layerMediaTypes(manifest));
    JsonObject config = config(manifest);
    assertEquals(List.of("/bin/busybox"),
        Oci.strings(config.getAsJsonObject("config").getAsJsonArray("Entrypoint")));
    assertLayerIsBusybox(manifest, config);
    RegistryClient.Response tags = http.get("/v2/it/busybox/tags/list");
    assertTrue(Oci.strings(tags.json().getAsJsonArray("tags")).contains("v2s2"), tags::toString);
  }
}
