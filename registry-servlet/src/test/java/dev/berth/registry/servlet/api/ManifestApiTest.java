package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertHeadError;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertLocation;
import static dev.berth.registry.servlet.testing.ApiAssertions.detailDigests;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonArray;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.Registry;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code /v2/<name>/manifests/<reference>}: PUT of every real client's manifest type, GET and HEAD
 * of the exact bytes with the stored type, and the checks a PUT must make.
 */
public class ManifestApiTest extends ManifestSuite {

  @Test
  void ociManifestWithoutMediaTypeIsServedWithTheOciType() {
    pushImageBlobs();
    byte[] manifest = Fixtures.bytes(Fixtures.OCI_MANIFEST);
    Digest digest = Fixtures.digest(Fixtures.OCI_MANIFEST);

    Response put = put("amd64", MediaTypes.OCI_MANIFEST, manifest);

    assertCreated(put, digest);
    assertServed(MediaTypes.OCI_MANIFEST, manifest, "amd64", digest);
  }

  @Test
  void contentTypeParametersAreIgnored() {
    pushImageBlobs();
    byte[] manifest = Fixtures.bytes(Fixtures.OCI_MANIFEST);

    Response put = put("amd64", MediaTypes.OCI_MANIFEST + "; charset=utf-8", manifest);

    assertCreated(put, Fixtures.digest(Fixtures.OCI_MANIFEST));
    assertServed(MediaTypes.OCI_MANIFEST, manifest, "amd64");
  }

  @Test
  void dockerSchema2Manifest() {
    pushImageBlobs();
    byte[] manifest = Fixtures.bytes(Fixtures.DOCKER_MANIFEST);
    Digest digest = Fixtures.digest(Fixtures.DOCKER_MANIFEST);

    assertCreated(put("v2s2", MediaTypes.DOCKER_MANIFEST, manifest), digest);

    assertServed(MediaTypes.DOCKER_MANIFEST, manifest, "v2s2", digest);
  }

  @Test
  void ociIndexIsRefusedUntilBothChildrenExist() {
    byte[] index = Fixtures.bytes(Fixtures.OCI_INDEX);
    Digest amd64 = Fixtures.digest(Fixtures.OCI_MANIFEST);
    Digest arm64 = Fixtures.digest(Fixtures.OCI_MANIFEST_ARM64);
    pushImageBlobs();
    pushArm64Blobs();

    JsonArray errors = assertErrors(put("multi", MediaTypes.OCI_INDEX, index), 400,
        "MANIFEST_BLOB_UNKNOWN", "MANIFEST_BLOB_UNKNOWN");
    assertEquals(List.of(amd64.toString(), arm64.toString()), detailDigests(errors));

    assertEquals(201, put(amd64, MediaTypes.OCI_MANIFEST,
        Fixtures.bytes(Fixtures.OCI_MANIFEST)).status());
    errors = assertErrors(put("multi", MediaTypes.OCI_INDEX, index), 400,
        "MANIFEST_BLOB_UNKNOWN");
    assertEquals(List.of(arm64.toString()), detailDigests(errors));
    assertErrors(client.get(url("multi")), 404, "MANIFEST_UNKNOWN");

    assertEquals(201, put(arm64, MediaTypes.OCI_MANIFEST,
        Fixtures.bytes(Fixtures.OCI_MANIFEST_ARM64)).status());
    assertCreated(put("multi", MediaTypes.OCI_INDEX, index), Fixtures.digest(Fixtures.OCI_INDEX));
    assertServed(MediaTypes.OCI_INDEX, index, "multi", Fixtures.digest(Fixtures.OCI_INDEX));
  }

  @Test
  void dockerManifestListIsRefusedUntilBothChildrenExist() {
    byte[] list = Fixtures.bytes(Fixtures.DOCKER_LIST);
    Digest amd64 = Fixtures.digest(Fixtures.DOCKER_MANIFEST);
    Digest arm64 = Fixtures.digest(Fixtures.DOCKER_MANIFEST_ARM64);
    pushImageBlobs();
    pushArm64Blobs();

    JsonArray errors = assertErrors(put("list", MediaTypes.DOCKER_MANIFEST_LIST, list), 400,
        "MANIFEST_BLOB_UNKNOWN", "MANIFEST_BLOB_UNKNOWN");
    assertEquals(List.of(amd64.toString(), arm64.toString()), detailDigests(errors));

    assertEquals(201, put(amd64, MediaTypes.DOCKER_MANIFEST,
        Fixtures.bytes(Fixtures.DOCKER_MANIFEST)).status());
    assertEquals(201, put(arm64, MediaTypes.DOCKER_MANIFEST,
        Fixtures.bytes(Fixtures.DOCKER_MANIFEST_ARM64)).status());
    Digest digest = Fixtures.digest(Fixtures.DOCKER_LIST);
    assertCreated(put("list", MediaTypes.DOCKER_MANIFEST_LIST, list), digest);
    assertServed(MediaTypes.DOCKER_MANIFEST_LIST, list, "list", digest);
  }

  @Test
  void storedTypeSurvivesARestartWithAColdCache() throws Exception {
    pushImageBlobs();
    byte[] oci = Fixtures.bytes(Fixtures.OCI_MANIFEST);
    byte[] docker = Fixtures.bytes(Fixtures.DOCKER_MANIFEST);
    assertEquals(201, put("oci", MediaTypes.OCI_MANIFEST, oci).status());
    assertEquals(201, put("docker", MediaTypes.DOCKER_MANIFEST, docker).status());

    var storage = server.registry().storage();
    server.close();
    server = container().start(Registry.builder().storage(storage).build());
    client = new RegistryClient(server.url());

    assertServed(MediaTypes.OCI_MANIFEST, oci, "oci", Digest.sha256(oci));
    assertServed(MediaTypes.DOCKER_MANIFEST, docker, "docker", Digest.sha256(docker));
  }

  @Test
  void contentTypeThatContradictsTheMediaTypeIsManifestInvalid() {
    pushImageBlobs();

    assertErrors(put("x", MediaTypes.OCI_MANIFEST, Fixtures.bytes(Fixtures.DOCKER_MANIFEST)), 400,
        "MANIFEST_INVALID");
    assertErrors(put("x", MediaTypes.DOCKER_MANIFEST_LIST,
        Fixtures.bytes(Fixtures.DOCKER_MANIFEST)), 400, "MANIFEST_INVALID");
    // umoci's manifest has no mediaType; its shape is an image manifest, not an index.
    assertErrors(put("x", MediaTypes.OCI_INDEX, Fixtures.bytes(Fixtures.OCI_MANIFEST)), 400,
        "MANIFEST_INVALID");
    assertErrors(client.get(url("x")), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void missingConfigAndLayerAreReportedTogether() {
    byte[] manifest = Fixtures.bytes(Fixtures.OCI_MANIFEST);
    client.pushBlob(REPO, utf8("unrelated"));

    JsonArray errors = assertErrors(put("amd64", MediaTypes.OCI_MANIFEST, manifest), 400,
        "MANIFEST_BLOB_UNKNOWN", "MANIFEST_BLOB_UNKNOWN");

    assertEquals(List.of(Fixtures.digest(Fixtures.OCI_CONFIG).toString(),
        Fixtures.digest(Fixtures.LAYER).toString()), detailDigests(errors));
    assertErrors(client.get(url("amd64")), 404, "MANIFEST_UNKNOWN");
    assertErrors(client.get(url(Fixtures.digest(Fixtures.OCI_MANIFEST))), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void blobVisibleOnlyInAnotherRepositoryIsUnknown() {
    client.pushBlob("manifests/other", Fixtures.bytes(Fixtures.LAYER));
    client.pushBlob(REPO, Fixtures.bytes(Fixtures.OCI_CONFIG));

    JsonArray errors = assertErrors(put("amd64", MediaTypes.OCI_MANIFEST,
        Fixtures.bytes(Fixtures.OCI_MANIFEST)), 400, "MANIFEST_BLOB_UNKNOWN");

    assertEquals(List.of(Fixtures.digest(Fixtures.LAYER).toString()), detailDigests(errors));
  }

  @Test
  void descriptorSizeThatDisagreesWithTheBlobIsRefused() {
    byte[] layer = utf8("twelve bytes");
    Digest layerDigest = client.pushBlob(REPO, layer);

    byte[] manifest = RegistryClient.smallManifest(layerDigest, layer.length + 1, "size", null,
        null);

    assertErrors(put("bad-size", MediaTypes.OCI_MANIFEST, manifest), 400, "MANIFEST_INVALID");
  }

  @Test
  void putByDigestStoresUnderThatDigestWithoutATag() {
    pushImageBlobs();
    Digest digest = Fixtures.digest(Fixtures.OCI_MANIFEST);

    assertCreated(put(digest, MediaTypes.OCI_MANIFEST, Fixtures.bytes(Fixtures.OCI_MANIFEST)),
        digest);

    assertServed(MediaTypes.OCI_MANIFEST, Fixtures.bytes(Fixtures.OCI_MANIFEST), digest);
    Response tags = client.get("/v2/" + REPO + "/tags/list");
    assertEquals(200, tags.status(), tags::toString);
    assertEquals(0, tags.json().getAsJsonArray("tags").size(), tags::toString);
  }

  @Test
  void putByADigestThatIsNotTheBodysIsDigestInvalid() {
    pushImageBlobs();
    Digest other = Fixtures.digest(Fixtures.DOCKER_MANIFEST);

    assertErrors(put(other, MediaTypes.OCI_MANIFEST, Fixtures.bytes(Fixtures.OCI_MANIFEST)), 400,
        "DIGEST_INVALID");

    assertErrors(client.get(url(other)), 404, "MANIFEST_UNKNOWN");
    assertErrors(client.get(url(Fixtures.digest(Fixtures.OCI_MANIFEST))), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void putBySha512Digest() {
    pushImageBlobs();
    byte[] manifest = Fixtures.bytes(Fixtures.OCI_MANIFEST);
    Digest digest = Digest.of(Digest.SHA512, manifest);

    Response put = put(digest, MediaTypes.OCI_MANIFEST, manifest);

    assertEquals(201, put.status(), put::toString);
    assertEquals(digest.toString(), put.header("Docker-Content-Digest"));
    Response get = client.get(url(digest));
    assertEquals(200, get.status(), get::toString);
    assertArrayEquals(manifest, get.body());
    assertEquals(digest.toString(), get.header("Docker-Content-Digest"));
  }
}
