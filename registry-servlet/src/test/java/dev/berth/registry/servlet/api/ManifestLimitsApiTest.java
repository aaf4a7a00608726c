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

/** Manifests: size limits, unknown types, invalid and old formats, subjects, unknown names. */
public class ManifestLimitsApiTest extends ManifestSuite {

  @Test
  void manifestOfExactlyFourMebibytesIsAccepted() {
    byte[] manifest = paddedManifest(FOUR_MIB);
    Digest digest = Digest.sha256(manifest);

    assertCreated(put("big", MediaTypes.OCI_MANIFEST, manifest), digest);

    Response get = client.get(url("big"));
    assertEquals(200, get.status());
    assertArrayEquals(manifest, get.body());
  }

  @Test
  void manifestOverFourMebibytesIs413() {
    byte[] manifest = paddedManifest(FOUR_MIB + 1);

    Response put = put("too-big", MediaTypes.OCI_MANIFEST, manifest);

    assertErrors(put, 413, "MANIFEST_INVALID");
    assertErrors(client.get(url(Digest.sha256(manifest))), 404, "NAME_UNKNOWN");
  }

  @Test
  void manifestOverFourMebibytesWithoutADeclaredLengthIs413() {
    byte[] manifest = paddedManifest(FOUR_MIB + 1);

    Response put = client.sendChunked("PUT", url("too-big"), manifest,
        "Content-Type", MediaTypes.OCI_MANIFEST);

    assertErrors(put, 413, "MANIFEST_INVALID");
    byte[] fits = paddedManifest(FOUR_MIB);
    Response ok = client.sendChunked("PUT", url("fits"), fits,
        "Content-Type", MediaTypes.OCI_MANIFEST);
    assertCreated(ok, Digest.sha256(fits));
  }

  @Test
  void unknownConfigAndLayerMediaTypesAreAccepted() {
    byte[] config = utf8("{\"anything\":true}");
    byte[] layer = utf8("opaque layer");
    Digest configDigest = client.pushBlob(REPO, config);
    Digest layerDigest = client.pushBlob(REPO, layer);
    byte[] manifest = utf8("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
        + "\",\"config\":{\"mediaType\":\"application/vnd.example.never.heard.of+json\","
        + "\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},"
        + "\"layers\":[{\"mediaType\":\"application/x-made-up\",\"digest\":\"" + layerDigest
        + "\",\"size\":" + layer.length + "}]}");

    assertCreated(put("custom", MediaTypes.OCI_MANIFEST, manifest), Digest.sha256(manifest));

    assertServed(MediaTypes.OCI_MANIFEST, manifest, "custom");
  }

  @Test
  void invalidJsonIsManifestInvalid() {
    for (String body : List.of("not json", "{\"schemaVersion\":2,", "[]", "",
        "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\"} trailing")) {
      assertErrors(put("bad", MediaTypes.OCI_MANIFEST, utf8(body)), 400, "MANIFEST_INVALID");
    }
    assertErrors(client.get(url("bad")), 404, "NAME_UNKNOWN");
  }

  @Test
  void dockerSchema1IsManifestInvalid() {
    byte[] schema1 = utf8("{\"schemaVersion\":1,\"name\":\"manifests/app\",\"tag\":\"old\","
        + "\"architecture\":\"amd64\",\"fsLayers\":[],\"history\":[]}");

    assertErrors(put("old", MediaTypes.DOCKER_SCHEMA1, schema1), 400, "MANIFEST_INVALID");
    assertErrors(put("old", MediaTypes.DOCKER_SCHEMA1_SIGNED, schema1), 400, "MANIFEST_INVALID");
    assertErrors(put("old", "application/json", schema1), 400, "MANIFEST_INVALID");
  }

  @Test
  void orasJavaArtifactMayReferenceTheUnpushedEmptyBlob() {
    Digest subject = client.pushFixtureImage(REPO, "amd64");
    client.pushBlob(REPO, Fixtures.bytes(Fixtures.ORAS_JAVA_SBOM));
    byte[] artifact = Fixtures.bytes(Fixtures.ORAS_JAVA_ARTIFACT);
    Digest digest = Fixtures.digest(Fixtures.ORAS_JAVA_ARTIFACT);

    Response put = put(digest, MediaTypes.OCI_MANIFEST, artifact);

    assertCreated(put, digest);
    assertEquals(subject.toString(), put.header("OCI-Subject"));
    assertServed(MediaTypes.OCI_MANIFEST, artifact, digest);
    // registry:2 answered a repeated PUT without OCI-Subject; the SDK needs it every time.
    Response replay = put(digest, MediaTypes.OCI_MANIFEST, artifact);
    assertCreated(replay, digest);
    assertEquals(subject.toString(), replay.header("OCI-Subject"));
  }

  @Test
  void manifestWhoseSubjectIsMissingIsAcceptedWithOciSubject() {
    Digest absent = Digest.sha256(utf8("a subject that was never pushed"));
    byte[] layer = utf8("signature");
    Digest layerDigest = client.pushBlob(REPO, layer);
    byte[] manifest = RegistryClient.smallManifest(layerDigest, layer.length, "sig", absent,
        "application/vnd.example.signature");

    Response put = put(Digest.sha256(manifest), MediaTypes.OCI_MANIFEST, manifest);

    assertCreated(put, Digest.sha256(manifest));
    assertEquals(absent.toString(), put.header("OCI-Subject"));
  }

  @Test
  void manifestWithoutSubjectHasNoOciSubjectHeader() {
    pushImageBlobs();

    Response put = put("amd64", MediaTypes.OCI_MANIFEST, Fixtures.bytes(Fixtures.OCI_MANIFEST));

    assertEquals(201, put.status());
    assertNull(put.header("OCI-Subject"));
  }

  @Test
  void unknownManifestInAKnownRepository() {
    pushImageBlobs();
    assertEquals(201, put("amd64", MediaTypes.OCI_MANIFEST,
        Fixtures.bytes(Fixtures.OCI_MANIFEST)).status());

    assertErrors(client.get(url("nope")), 404, "MANIFEST_UNKNOWN");
    assertErrors(client.get(url(Fixtures.digest(Fixtures.DOCKER_MANIFEST))), 404,
        "MANIFEST_UNKNOWN");
    assertHeadError(client.head(url("nope")), 404);
  }

  @Test
  void unknownRepository() {
    assertErrors(client.get("/v2/no/such/repo/manifests/latest"), 404, "NAME_UNKNOWN");
    assertHeadError(client.head("/v2/no/such/repo/manifests/latest"), 404);
  }
}
