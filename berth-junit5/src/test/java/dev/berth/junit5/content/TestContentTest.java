package dev.berth.junit5.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.junit5.BerthExtension;
import dev.berth.junit5.RequestPattern;
import dev.berth.registry.servlet.Route;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Test content over both transports: pushed, then read back as the registry stores it. */
class TestContentTest {

  @RegisterExtension
  static BerthExtension berth = BerthExtension.builder().build();

  static Stream<Arguments> transports() {
    return Stream.of(Arguments.of("http"), Arguments.of("direct"));
  }

  static TestContent content(String transport) {
    return transport.equals("http") ? berth.content() : berth.directContent();
  }

  static JsonObject json(byte[] bytes) {
    return JsonParser.parseString(new String(bytes, java.nio.charset.StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  @ParameterizedTest
  @MethodSource("transports")
  void imageWithLayersOfGivenSizes(String transport) {
    TestContent content = content(transport);

    PushedImage image = content.image("library/app").layerSizes(10, 2000, 0)
        .platform("linux/arm64/v8").annotation("org.example", "yes").tag("v1", "latest").push();

    assertEquals(List.of(10L, 2000L, 0L), image.layers().stream().map(Blob::size).toList());
    StoredManifest stored = content.manifest("library/app", "v1");
    assertEquals(image.digest(), stored.digest());
    assertEquals("application/vnd.oci.image.manifest.v1+json", stored.mediaType());
    assertArrayEquals(image.manifest(), stored.bytes());
    assertEquals(image.digest(), content.manifest("library/app", image.digest()).digest());
    for (Blob layer : image.layers()) {
      assertArrayEquals(layer.bytes(), content.blob("library/app", layer.digest()));
      assertEquals("application/vnd.oci.image.layer.v1.tar+gzip", layer.mediaType());
    }
    JsonObject config = json(content.blob("library/app", image.config().digest()));
    assertEquals("arm64", config.get("architecture").getAsString());
    assertEquals("v8", config.get("variant").getAsString());
    assertEquals(3, config.getAsJsonObject("rootfs").getAsJsonArray("diff_ids").size());
    assertEquals("yes", json(stored.bytes()).getAsJsonObject("annotations").get("org.example")
        .getAsString());
    assertEquals(List.of("latest", "v1"), content.tags("library/app"));
    assertEquals(List.of(), content.tags("nothing/here"));
  }

  @ParameterizedTest
  @MethodSource("transports")
  void dockerImageAndManifestList(String transport) {
    TestContent content = content(transport);

    PushedImage image = content.image("app").docker().layers(2, 100).tag("d").push();
    PushedIndex list = content.index("app").docker().platforms("linux/amd64", "linux/s390x")
        .tag("multi").push();

    assertEquals("application/vnd.docker.distribution.manifest.v2+json",
        content.manifest("app", "d").mediaType());
    assertEquals("application/vnd.docker.container.image.v1+json", image.config().mediaType());
    assertEquals("application/vnd.docker.image.rootfs.diff.tar.gzip",
        image.layers().get(0).mediaType());
    StoredManifest stored = content.manifest("app", "multi");
    assertEquals("application/vnd.docker.distribution.manifest.list.v2+json", stored.mediaType());
    assertEquals(List.of("linux/amd64", "linux/s390x"),
        list.images().stream().map(PushedImage::platform).toList());
    for (PushedImage platform : list.images()) {
      assertEquals(platform.digest(), content.manifest("app", platform.digest()).digest());
    }
    assertThrows(IllegalStateException.class,
        () -> content.image("app").docker().annotation("a", "b").push());
  }

  @ParameterizedTest
  @MethodSource("transports")
  void ociIndexOfTwoPlatforms(String transport) {
    TestContent content = content(transport);

    PushedIndex index = content.index("app").tag("v2").push();

    JsonObject stored = json(content.manifest("app", "v2").bytes());
    assertEquals("application/vnd.oci.image.index.v1+json", stored.get("mediaType").getAsString());
    assertEquals(2, stored.getAsJsonArray("manifests").size());
    JsonObject second = stored.getAsJsonArray("manifests").get(1).getAsJsonObject();
    assertEquals(index.images().get(1).digest(), second.get("digest").getAsString());
    assertEquals("arm64", second.getAsJsonObject("platform").get("architecture").getAsString());
  }

  @ParameterizedTest
  @MethodSource("transports")
  void artifactsWithASubjectAreItsReferrers(String transport) {
    TestContent content = content(transport);
    PushedImage image = content.image("app").tag("v1").push();

    PushedArtifact sbom = content.artifact("app").subject(image)
        .artifactType("application/spdx+json").blob("{\"spdxVersion\":\"SPDX-2.3\"}",
            "application/spdx+json").annotation("org.example.tool", "berth").push();
    PushedArtifact signature = content.orasArtifact("app").subject(image)
        .artifactType("application/vnd.example.signature").blob("sig", "application/octet-stream")
        .push();

    assertEquals(Optional.of(image.digest()), sbom.subject());
    List<Referrer> referrers = content.referrers(image);
    assertEquals(2, referrers.size(), referrers::toString);
    Referrer sbomEntry = referrers.stream().filter(r -> r.digest().equals(sbom.digest()))
        .findFirst().orElseThrow();
    assertEquals(Optional.of("application/spdx+json"), sbomEntry.artifactType());
    assertEquals(Map.of("org.example.tool", "berth"), sbomEntry.annotations());
    assertEquals(sbom.size(), sbomEntry.size());
    assertTrue(referrers.stream().anyMatch(r -> r.digest().equals(signature.digest())
        && r.mediaType().equals("application/vnd.cncf.oras.artifact.manifest.v1+json")));
    assertEquals(List.of(sbom.digest()), content.referrers("app", image.digest(),
        "application/spdx+json").stream().map(Referrer::digest).toList());
    JsonObject manifest = json(content.manifest("app", sbom.digest()).bytes());
    assertEquals("application/vnd.oci.empty.v1+json",
        manifest.getAsJsonObject("config").get("mediaType").getAsString());
  }

  @ParameterizedTest
  @MethodSource("transports")
  void aChainOfReferrers(String transport) {
    TestContent content = content(transport);
    PushedImage image = content.image("app").push();

    List<PushedArtifact> chain = content.referrerChain(image, "application/spdx+json",
        "application/vnd.example.signature", "application/vnd.example.attestation");

    assertEquals(3, chain.size());
    assertEquals(List.of(chain.get(0).digest()),
        content.referrers(image).stream().map(Referrer::digest).toList());
    for (int i = 1; i < chain.size(); i++) {
      assertEquals(List.of(chain.get(i).digest()), content.referrers(chain.get(i - 1)).stream()
          .map(Referrer::digest).toList());
    }
    assertEquals(List.of(), content.referrers(chain.get(2)));
  }

  @Test
  void aSeedMakesTheSameImage() {
    PushedImage a = berth.directContent().image("a").layers(2, 64).seed(7).push();
    PushedImage b = berth.directContent().image("b").layers(2, 64).seed(7).push();
    PushedImage c = berth.directContent().image("c").layers(2, 64).push();

    assertEquals(a.digest(), b.digest());
    assertNotEquals(a.digest(), c.digest());
  }

  @Test
  void overHttpItIsJournaledDirectlyItIsNot() {
    berth.directContent().image("quiet").push();
    assertEquals(0, berth.journal().requests().size());

    berth.content().image("loud").layers(2, 10).push();
    // The config and two layers (POST + PUT each), then the manifest.
    berth.journal().verify(3, RequestPattern.post(Route.UPLOADS).repository("loud"));
    berth.journal().verify(3, RequestPattern.put(Route.UPLOAD).status(201));
    berth.journal().verify(1, RequestPattern.put(Route.MANIFEST).status(201));
  }

  @Test
  void readingWhatIsNotThereSaysWhat() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> berth.content().manifest("app", "missing"));
    assertTrue(e.getMessage().startsWith("cannot get manifest app:missing: GET "),
        e.getMessage());
    assertTrue(e.getMessage().contains("answered 404"), e.getMessage());
    IllegalStateException direct = assertThrows(IllegalStateException.class,
        () -> berth.directContent().blob("app", "sha256:" + "0".repeat(64)));
    assertTrue(direct.getMessage().startsWith("no blob sha256:000"), direct.getMessage());
  }
}
