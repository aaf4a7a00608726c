package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.api.client.http.HttpTransport;
import com.google.gson.JsonObject;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * Jib core builds images from scratch in this JVM and pushes them to the launcher, in OCI and in
 * Docker format; skopeo then pulls each one back and the test checks the manifest, the config and
 * every layer's content. Jib probes HTTPS first and falls back to plain HTTP, streams each blob
 * in one chunked PATCH and sends an empty {@code Accept} header on most requests.
 */
class JibIT {

  static final String HELLO = "hello berth from jib\n";
  static final String DATA = "{\"from\":\"jib\"}\n";

  @TempDir
  static Path storage;
  @TempDir
  static Path work;

  /** google-http-client's request log; held here so that its level is not garbage-collected. */
  static final Logger HTTP_LOG = Logger.getLogger(HttpTransport.class.getName());

  static BerthProcess berth;
  static RegistryClient http;
  static String reg;
  static Path hello;
  static Path data;

  @BeforeAll
  static void start() throws Exception {
    berth = Launcher.start(storage);
    http = new RegistryClient(berth.url());
    reg = berth.authority();
    Path files = Files.createDirectories(work.resolve("files"));
    hello = Files.writeString(files.resolve("hello.txt"), HELLO);
    data = Files.writeString(files.resolve("data.json"), DATA);
  }

  @AfterAll
  static void stop() throws Exception {
    Launcher.stop(berth);
  }

  /** Containerizes to {@code target}; a failure carries Jib's own log. */
  static JibContainer containerize(JibContainerBuilder builder, String target) throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    Containerizer to = Containerizer.to(RegistryImage.named(target))
        .setAllowInsecureRegistries(true)
        .setBaseImageLayersCache(work.resolve("cache/base"))
        .setApplicationLayersCache(work.resolve("cache/app"))
        .setToolName("berth-it")
        .addEventHandler(LogEvent.class, e -> log.add(e.getLevel() + " " + e.getMessage()));
    try {
      return builder.containerize(to);
    } catch (Exception e) {
      throw new AssertionFailedError("jib failed to push " + target + ": " + e + "\njib log:\n"
          + String.join("\n", log), e);
    }
  }

  static JibContainerBuilder fromScratch(ImageFormat format) throws Exception {
    return Jib.fromScratch()
        .addLayer(List.of(hello), AbsoluteUnixPath.get("/app"))
        .addLayer(List.of(data), AbsoluteUnixPath.get("/app/lib"))
        .setEntrypoint("/bin/cat", "/app/hello.txt")
        .addEnvironmentVariable("GREETING", "jib")
        .addLabel("org.opencontainers.image.title", "berth-jib")
        .setCreationTime(Instant.EPOCH)
        .setFormat(format);
  }

  /**
   * Pushed with Jib, read back with skopeo: manifest type, two layers, the config, and the files
   * in each layer after {@code skopeo copy} to a directory.
   */
  private void pushAndPull(ImageFormat format, String manifestType, String configType,
      String layerType) throws Exception {
    Programs.require("skopeo");
    String tag = format.name().toLowerCase();
    String ref = reg + "/it/jib:" + tag;
    JibContainer pushed = containerize(fromScratch(format), ref);
    Skopeo skopeo = new Skopeo(Files.createDirectories(work.resolve("skopeo-" + tag)), reg);

    byte[] raw = skopeo.check("inspect", "--tls-verify=false", "--raw", "docker://" + ref)
        .stdout();
    assertEquals(pushed.getDigest().toString(), Oci.sha256(raw), "Jib's digest is not Berth's");
    JsonObject manifest = Oci.json(raw);
    assertEquals(manifestType, manifest.get("mediaType").getAsString(), manifest::toString);
    assertEquals(configType, manifest.getAsJsonObject("config").get("mediaType").getAsString());
    assertEquals(List.of(layerType, layerType), Oci.layerMediaTypes(manifest));
    assertEquals(pushed.getImageId().toString(),
        manifest.getAsJsonObject("config").get("digest").getAsString());

    JsonObject config = Oci.json(skopeo.check("inspect", "--tls-verify=false", "--config",
        "--raw", "docker://" + ref).stdout());
    assertEquals("amd64", config.get("architecture").getAsString(), config::toString);
    assertEquals("linux", config.get("os").getAsString());
    assertEquals("1970-01-01T00:00:00Z", config.get("created").getAsString());
    JsonObject runtime = config.getAsJsonObject("config");
    assertEquals(List.of("/bin/cat", "/app/hello.txt"),
        Oci.strings(runtime.getAsJsonArray("Entrypoint")));
    assertTrue(Oci.strings(runtime.getAsJsonArray("Env")).contains("GREETING=jib"),
        runtime::toString);
    assertEquals(2, config.getAsJsonObject("rootfs").getAsJsonArray("diff_ids").size());

    JsonObject inspect = Oci.json(skopeo.check("inspect", "--tls-verify=false",
        "docker://" + ref).text());
    assertEquals(Oci.layerDigests(manifest), Oci.strings(inspect.getAsJsonArray("Layers")));

    // Pull: skopeo copies every blob out, checking digests as it goes; then look inside.
    Path dir = work.resolve("pulled-" + tag);
    skopeo.check("copy", "--src-tls-verify=false", "docker://" + ref, "dir:" + dir);
    List<String> layers = Oci.layerDigests(manifest);
    List<String> diffIds = Oci.strings(config.getAsJsonObject("rootfs").getAsJsonArray("diff_ids"));
    Map<String, String> expected = Map.of("app/hello.txt", HELLO, "app/lib/data.json", DATA);
    for (int i = 0; i < layers.size(); i++) {
      byte[] blob = Files.readAllBytes(dir.resolve(Oci.hex(layers.get(i))));
      assertEquals(layers.get(i), Oci.sha256(blob));
      byte[] tar = Oci.gunzip(blob);
      assertEquals(diffIds.get(i), Oci.sha256(tar), "diff_id of layer " + i);
      String file = i == 0 ? "app/hello.txt" : "app/lib/data.json";
      Map<String, Oci.TarEntry> entries = Oci.untar(tar);
      Oci.TarEntry entry = entries.get(file);
      assertNotNull(entry, () -> file + " not in layer " + layers + ": " + entries.keySet());
      assertArrayEquals(expected.get(file).getBytes(StandardCharsets.UTF_8), entry.content());
    }
  }

  @Test
  void pushesAnOciImageThatSkopeoPullsBack() throws Exception {
    pushAndPull(ImageFormat.OCI, Oci.OCI_MANIFEST, Oci.OCI_CONFIG, Oci.OCI_LAYER_GZIP);
  }

  @Test
  void pushesADockerImageThatSkopeoPullsBack() throws Exception {
    pushAndPull(ImageFormat.Docker, Oci.DOCKER_MANIFEST, Oci.DOCKER_CONFIG,
        Oci.DOCKER_LAYER_GZIP);
  }

  @Test
  void derivedImageMountsTheBaseLayersFromAnotherRepository() throws Exception {
    JibContainer base = containerize(fromScratch(ImageFormat.OCI), reg + "/it/jib-base:1");
    JsonObject baseManifest = Oci.json(http.get("/v2/it/jib-base/manifests/1",
        Oci.ACCEPT_ALL).body());
    List<String> baseLayers = Oci.layerDigests(baseManifest);
    Path extra = Files.writeString(work.resolve("extra.txt"), "extra layer\n");

    // google-http-client logs each request line at CONFIG: the only way to see what Jib sent.
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        requests.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Level level = HTTP_LOG.getLevel();
    HTTP_LOG.setLevel(Level.CONFIG);
    HTTP_LOG.addHandler(handler);
    JibContainer derived;
    try {
      derived = containerize(Jib.from(RegistryImage.named(reg + "/it/jib-base:1"))
          .addLayer(List.of(extra), AbsoluteUnixPath.get("/app"))
          .setCreationTime(Instant.EPOCH)
          .setFormat(ImageFormat.OCI), reg + "/it/jib-derived:1");
    } finally {
      HTTP_LOG.removeHandler(handler);
      HTTP_LOG.setLevel(level);
    }
    String sent = String.join("\n", requests);

    RegistryClient.Response m = http.get("/v2/it/jib-derived/manifests/1", Oci.ACCEPT_ALL);
    assertEquals(200, m.status(), m::toString);
    assertEquals(derived.getDigest().toString(), m.header("Docker-Content-Digest"));
    List<String> layers = Oci.layerDigests(Oci.json(m.body()));
    assertEquals(3, layers.size());
    assertEquals(baseLayers, layers.subList(0, 2), "the base layers changed");
    for (String layer : baseLayers) {
      // Jib asked Berth to mount each base layer, and uploaded none of them.
      assertTrue(sent.contains("POST http://" + reg + "/v2/it/jib-derived/blobs/uploads/?mount="
          + layer + "&from=it/jib-base"), () -> "no mount of " + layer + " in:\n" + sent);
      assertFalse(sent.contains("digest=" + layer), () -> layer + " was uploaded:\n" + sent);
      assertTrue(Files.isRegularFile(Oci.layerLink(storage, "it/jib-derived", layer)), layer);
      assertEquals(200, http.head("/v2/it/jib-derived/blobs/" + layer).status(), layer);
    }
    assertFalse(base.getDigest().equals(derived.getDigest()));
  }
}
