package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.OrasTempFiles;
import dev.berth.it.support.Programs;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.ContainerRef;
import land.oras.Descriptor;
import land.oras.Layer;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.ManifestDescriptor;
import land.oras.Referrers;
import land.oras.Registry;
import land.oras.exception.OrasException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ORAS Java SDK (in this JVM, java.net.http) against the launcher: an artifact with an
 * {@code artifactType}, a signature and an SBOM attached to an image through {@code subject},
 * discovery through the referrers API with and without a filter, pulls, and a delete.
 *
 * <p>Two SDK behaviours Berth must meet: {@code attachArtifact} never uploads the empty config
 * {@code {}} it references (Berth serves it in every repository), and it throws unless the
 * manifest PUT answers with an {@code OCI-Subject} header.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrasIT {

  static final String TEST_TYPE = "application/vnd.berth.test.v1";
  static final String SIGNATURE_TYPE = "application/vnd.berth.signature.v1+json";
  static final String SBOM_TYPE = "application/spdx+json";

  @TempDir
  static Path storage;
  @TempDir
  static Path work;

  static OrasTempFiles sdkTempFiles;
  static BerthProcess berth;
  static RegistryClient http;
  static Registry registry;
  static String reg;
  static ContainerRef image;
  static String imageDigest;
  static Path signature;
  static Path sbom;
  static String signatureDigest;
  static String sbomDigest;

  @BeforeAll
  static void start() throws Exception {
    sdkTempFiles = OrasTempFiles.snapshot();
    berth = Launcher.start(storage);
    http = new RegistryClient(berth.url());
    reg = berth.authority();
    // insecure(host): plain http, no auth, and that host as the default registry.
    registry = Registry.builder().insecure(reg).build();
    // The subject: umoci's small OCI image (the shared fixture), pushed over plain HTTP.
    imageDigest = http.pushFixtureImage("it/app", "v1").toString();
    image = ContainerRef.parse(reg + "/it/app:v1");
    signature = Files.writeString(work.resolve("signature.json"),
        "{\"critical\":{\"type\":\"berth signature\"}}\n");
    sbom = Files.writeString(work.resolve("sbom.spdx.json"),
        "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"berth-test\"}\n");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (registry != null) {
        // The SDK's transfer threads are not daemons: without this the JVM would never exit.
        registry.getExecutorService().shutdown();
      }
      Launcher.stop(berth);
    } finally {
      // The SDK's copies of what it pushed, which it leaves in java.io.tmpdir.
      sdkTempFiles.removeNew();
    }
  }

  private static JsonObject served(String repository, String reference) {
    RegistryClient.Response r = http.get("/v2/" + repository + "/manifests/" + reference,
        Oci.ACCEPT_ALL);
    assertEquals(200, r.status(), r::toString);
    return Oci.json(r.body());
  }

  private static Map<String, byte[]> pulledFiles(ContainerRef ref, String dir) throws Exception {
    Path out = Files.createDirectories(work.resolve(dir));
    registry.pullArtifact(ref, out, true);
    Map<String, byte[]> files = new TreeMap<>();
    try (var s = Files.list(out)) {
      for (Path p : s.toList()) {
        files.put(p.getFileName().toString(), Files.readAllBytes(p));
      }
    }
    return files;
  }

  @Test
  @Order(1)
  void pushesAndPullsAnArtifactWithAnArtifactType() throws Exception {
    Path hello = Files.writeString(work.resolve("hello.txt"), "hello berth from oras-java\n");
    Path data = Files.writeString(work.resolve("data.json"), "{\"answer\":42}\n");
    ContainerRef ref = ContainerRef.parse(reg + "/it/artifact:v1");
    Manifest pushed = registry.pushArtifact(ref, ArtifactType.from(TEST_TYPE),
        Annotations.ofManifest(new HashMap<>(Map.of("org.opencontainers.image.description",
            "berth test"))),
        LocalPath.of(hello, "text/plain"), LocalPath.of(data, "application/json"));

    RegistryClient.Response head = http.head("/v2/it/artifact/manifests/v1", Oci.ACCEPT_ALL);
    assertEquals(pushed.getDescriptor().getDigest(), head.header("Docker-Content-Digest"));
    JsonObject m = served("it/artifact", "v1");
    assertEquals(TEST_TYPE, m.get("artifactType").getAsString(), m::toString);
    assertEquals(Oci.EMPTY_DIGEST, m.getAsJsonObject("config").get("digest").getAsString());
    assertEquals("berth test", m.getAsJsonObject("annotations")
        .get("org.opencontainers.image.description").getAsString());
    assertEquals(2, m.getAsJsonArray("layers").size(), m::toString);

    assertEquals(List.of("v1"), registry.getTags(ref).tags());
    assertTrue(registry.getRepositories().repositories().containsAll(
        List.of("it/app", "it/artifact")));
    assertEquals(TEST_TYPE, registry.getManifest(ref).getArtifactTypeAsString());

    Map<String, byte[]> files = pulledFiles(ref, "pulled-artifact");
    assertEquals(List.of("data.json", "hello.txt"), List.copyOf(files.keySet()));
    assertArrayEquals(Files.readAllBytes(hello), files.get("hello.txt"));
    assertArrayEquals(Files.readAllBytes(data), files.get("data.json"));
  }

  @Test
  @Order(2)
  void attachesASignatureAndAnSbomToTheImage() {
    Descriptor probed = registry.probeDescriptor(image);
    assertEquals(imageDigest, probed.getDigest());
    assertEquals(Oci.OCI_MANIFEST, probed.getMediaType());

    // Throws "Subject was set on manifest but not OCI subject header was returned" unless Berth
    // answers the PUT with OCI-Subject.
    Manifest sig = registry.attachArtifact(image, ArtifactType.from(SIGNATURE_TYPE),
        LocalPath.of(signature, SIGNATURE_TYPE));
    Manifest bom = registry.attachArtifact(image, ArtifactType.from(SBOM_TYPE),
        // A mutable map: the SDK adds org.opencontainers.image.created to it.
        Annotations.ofManifest(new HashMap<>(Map.of("org.example.tool", "berth-it"))),
        LocalPath.of(sbom, SBOM_TYPE));
    signatureDigest = sig.getDescriptor().getDigest();
    sbomDigest = bom.getDescriptor().getDigest();
    assertEquals(imageDigest, sig.getSubject().getDigest());
    assertEquals(imageDigest, bom.getSubject().getDigest());

    for (String d : List.of(signatureDigest, sbomDigest)) {
      JsonObject m = served("it/app", d);
      assertEquals(imageDigest, m.getAsJsonObject("subject").get("digest").getAsString());
      assertEquals(Oci.EMPTY_DIGEST, m.getAsJsonObject("config").get("digest").getAsString());
    }
    // The SDK never uploaded {} to it/app; Berth serves it anyway.
    RegistryClient.Response empty = http.head("/v2/it/app/blobs/" + Oci.EMPTY_DIGEST);
    assertEquals(200, empty.status(), empty::toString);
    assertEquals("2", empty.header("Content-Length"));
  }

  private static Map<String, String> referrers(String artifactType) {
    Referrers r = registry.getReferrers(image.withDigest(imageDigest),
        artifactType == null ? null : ArtifactType.from(artifactType));
    return r.getManifests().stream().collect(Collectors.toMap(ManifestDescriptor::getDigest,
        ManifestDescriptor::getArtifactType, (a, b) -> a, TreeMap::new));
  }

  @Test
  @Order(3)
  void discoversReferrersWithAndWithoutAFilter() {
    Programs.skipUnless(sbomDigest != null,
        "attaching (attachesASignatureAndAnSbomToTheImage) failed");
    assertEquals(new TreeMap<>(Map.of(signatureDigest, SIGNATURE_TYPE, sbomDigest, SBOM_TYPE)),
        referrers(null));
    assertEquals(Map.of(sbomDigest, SBOM_TYPE), referrers(SBOM_TYPE));
    assertEquals(Map.of(signatureDigest, SIGNATURE_TYPE), referrers(SIGNATURE_TYPE));
    assertEquals(Map.of(), referrers("application/vnd.berth.nothing"));

    // What the SDK parsed is what Berth sent: an OCI index, with the filter reported.
    RegistryClient.Response r = http.get("/v2/it/app/referrers/" + imageDigest
        + "?artifactType=application%2Fspdx%2Bjson");
    assertEquals(200, r.status(), r::toString);
    assertEquals(Oci.OCI_INDEX, r.header("Content-Type"));
    assertEquals("artifactType", r.header("OCI-Filters-Applied"));
    JsonArray manifests = r.json().getAsJsonArray("manifests");
    assertEquals(1, manifests.size(), r::toString);
    JsonObject entry = manifests.get(0).getAsJsonObject();
    assertEquals("berth-it", entry.getAsJsonObject("annotations").get("org.example.tool")
        .getAsString(), "referrers must carry the referrer's annotations");
  }

  @Test
  @Order(4)
  void pullsTheAttachedArtifactsBack() throws Exception {
    Programs.skipUnless(sbomDigest != null,
        "attaching (attachesASignatureAndAnSbomToTheImage) failed");
    Map<String, byte[]> sig = pulledFiles(image.withDigest(signatureDigest), "pulled-sig");
    assertEquals(List.of("signature.json"), List.copyOf(sig.keySet()));
    assertArrayEquals(Files.readAllBytes(signature), sig.get("signature.json"));
    Map<String, byte[]> bom = pulledFiles(image.withDigest(sbomDigest), "pulled-sbom");
    assertEquals(List.of("sbom.spdx.json"), List.copyOf(bom.keySet()));
    assertArrayEquals(Files.readAllBytes(sbom), bom.get("sbom.spdx.json"));
  }

  @Test
  @Order(5)
  void deletedReferrerIsGoneFromTheReferrers() {
    Programs.skipUnless(sbomDigest != null,
        "attaching (attachesASignatureAndAnSbomToTheImage) failed");
    registry.deleteManifest(image.withDigest(signatureDigest));

    assertEquals(Map.of(sbomDigest, SBOM_TYPE), referrers(null));
    assertEquals(Map.of(), referrers(SIGNATURE_TYPE));
    OrasException gone = assertThrows(OrasException.class,
        () -> registry.getManifest(image.withDigest(signatureDigest)));
    assertEquals(404, gone.getStatusCode(), gone::getMessage);
    // The subject and the other referrer are untouched.
    assertEquals(imageDigest, registry.probeDescriptor(image).getDigest());
    assertEquals(200, http.head("/v2/it/app/manifests/" + sbomDigest, Oci.ACCEPT_ALL).status());
  }

  @Test
  @Order(6)
  void uploadsABlobInChunks() throws Exception {
    byte[] bytes = new byte[25_000];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    Path big = Files.write(work.resolve("big.bin"), bytes);
    // POST, three PATCHes with Content-Range "0-9999" (no "bytes="), PUT ?digest=.
    Layer layer = registry.pushBlobChunked(ContainerRef.parse(reg + "/it/chunks"), big, 10_000);
    assertEquals(Oci.sha256(bytes), layer.getDigest());
    ContainerRef ref = ContainerRef.parse(reg + "/it/chunks").withDigest(layer.getDigest());
    // fetchBlob, not getBlob: getBlob reads the body as a UTF-8 string, which breaks binary data.
    Path back = work.resolve("big.back");
    registry.fetchBlob(ref, back);
    assertArrayEquals(bytes, Files.readAllBytes(back));
    assertEquals(25_000, registry.fetchBlobDescriptor(ref).getSize());
    assertEquals(layer.getDigest(),
        Oci.sha256(http.get("/v2/it/chunks/blobs/" + layer.getDigest()).body()));
  }
}
