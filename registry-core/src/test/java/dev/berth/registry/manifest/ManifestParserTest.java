package dev.berth.registry.manifest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the fixtures real clients pushed, and refusing what is malformed. */
class ManifestParserTest {

  static ParsedManifest put(String fixture, String contentType) {
    return ManifestParser.parseForPut(Fixtures.bytes(fixture), contentType, Digest.SHA256);
  }

  @Test
  void umociManifestWithoutMediaTypeTakesItsTypeFromContentType() {
    ParsedManifest m = put(Fixtures.OCI_MANIFEST, MediaTypes.OCI_MANIFEST);
    assertEquals(MediaTypes.OCI_MANIFEST, m.mediaType());
    assertEquals(Fixtures.digest(Fixtures.OCI_MANIFEST), m.digest());
    assertEquals(Fixtures.digest(Fixtures.OCI_CONFIG), m.config().digest());
    assertEquals(List.of(Fixtures.digest(Fixtures.LAYER)),
        m.blobs().stream().map(d -> d.digest()).toList());
    assertArrayEquals(Fixtures.bytes(Fixtures.OCI_MANIFEST), m.bytes(), "bytes kept as given");
    assertEquals(MediaTypes.OCI_MANIFEST, ManifestParser.mediaTypeOf(m.bytes()));
  }

  @Test
  void dockerManifestAndListAndOciIndex() {
    assertEquals(MediaTypes.DOCKER_MANIFEST, put(Fixtures.DOCKER_MANIFEST, "").mediaType());
    ParsedManifest list = put(Fixtures.DOCKER_LIST, MediaTypes.DOCKER_MANIFEST_LIST);
    assertEquals(2, list.manifests().size());
    ParsedManifest index = put(Fixtures.OCI_INDEX, MediaTypes.OCI_INDEX);
    assertEquals(List.of(Fixtures.digest(Fixtures.OCI_MANIFEST),
        Fixtures.digest(Fixtures.OCI_MANIFEST_ARM64)),
        index.manifests().stream().map(d -> d.digest()).toList());
    assertTrue(index.isIndex());
  }

  @Test
  void referrerFields() {
    ParsedManifest oras = put(Fixtures.ORAS_JAVA_ARTIFACT, MediaTypes.OCI_MANIFEST);
    assertEquals(Fixtures.digest(Fixtures.OCI_MANIFEST), oras.subject().digest());
    assertEquals("application/vnd.example.sbom.v1+json", oras.referrerArtifactType());
    assertEquals("2026-11-28T08:01:08Z", oras.annotations().get("org.opencontainers.image.created"));
    ParsedManifest seed = put(Fixtures.ORAS_ARTIFACT, MediaTypes.ORAS_ARTIFACT_MANIFEST);
    assertEquals(MediaTypes.ORAS_ARTIFACT_MANIFEST, seed.mediaType());
    assertEquals("application/vnd.cncf.notary.v2", seed.referrerArtifactType());
    assertEquals(Fixtures.digest(Fixtures.DOCKER_MANIFEST), seed.subject().digest());
    ParsedManifest cosign = put(Fixtures.COSIGN_MANIFEST, MediaTypes.OCI_MANIFEST);
    assertNull(cosign.subject(), "cosign's tag scheme has no subject");
  }

  @Test
  void contentTypeMustAgreeWithTheBody() {
    RegistryException e = assertThrows(RegistryException.class,
        () -> put(Fixtures.DOCKER_MANIFEST, MediaTypes.OCI_MANIFEST));
    assertEquals(ErrorCode.MANIFEST_INVALID, e.code());
    assertThrows(RegistryException.class, () -> put(Fixtures.OCI_MANIFEST, MediaTypes.OCI_INDEX));
  }

  @Test
  void malformedManifestsAreInvalid() {
    for (String body : new String[] {"", "[]", "{", "{\"schemaVersion\":2}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}",
        "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:nothex\",\"size\":1}}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"x\",\"digest\":\"" + Digest.EMPTY_JSON + "\",\"size\":-1}}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"x\",\"digest\":\"" + Digest.EMPTY_JSON
            + "\",\"size\":2,\"data\":\"eHg=\"}}",
        "{\"mediaType\":\"application/vnd.cncf.oras.artifact.manifest.v1+json\"}",
        "{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}"}) {
      RegistryException e = assertThrows(RegistryException.class, () -> ManifestParser.parseForPut(
          body.getBytes(StandardCharsets.UTF_8), "", Digest.SHA256), body);
      assertEquals(ErrorCode.MANIFEST_INVALID, e.code(), body);
    }
  }

  @Test
  void unknownLayerAndConfigTypesAreAccepted() {
    String body = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/x-anything\",\"digest\":\"" + Digest.EMPTY_JSON
        + "\",\"size\":2,\"data\":\"e30=\"},\"layers\":[{\"mediaType\":\"application/x-whatever\","
        + "\"digest\":\"" + Digest.EMPTY_JSON + "\",\"size\":2}]}";
    ParsedManifest m = ManifestParser.parseForPut(body.getBytes(StandardCharsets.UTF_8), "",
        Digest.SHA256);
    assertEquals("application/x-anything", m.referrerArtifactType());
  }

  @Test
  void findsEveryDigestInAnUnknownManifest() {
    String schema1 = "{\"schemaVersion\":1,\"fsLayers\":[{\"blobSum\":\"" + Digest.EMPTY_JSON
        + "\"}],\"other\":\"not a digest\"}";
    assertEquals(java.util.Set.of(Digest.EMPTY_JSON),
        ManifestParser.allDigests(schema1.getBytes(StandardCharsets.UTF_8)));
  }
}
