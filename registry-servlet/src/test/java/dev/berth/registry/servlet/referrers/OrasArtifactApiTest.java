package dev.berth.registry.servlet.referrers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ORAS artifact manifests ({@code application/vnd.cncf.oras.artifact.manifest.v1+json}) and the
 * seed's draft.1 referrers route {@code /oras/artifacts/v1/<name>/manifests/<digest>/referrers}.
 */
public class OrasArtifactApiTest extends HttpSuite {

  static final String ORAS = MediaTypes.ORAS_ARTIFACT_MANIFEST;

  /** Fixture 2 (Docker v2s2, skopeo) in {@code repo}: the seed's subject. */
  Digest pushDockerImage(String repo) {
    client.pushBlob(repo, Fixtures.bytes(Fixtures.LAYER));
    client.pushBlob(repo, Fixtures.bytes(Fixtures.OCI_CONFIG));
    Response put = client.putManifest(repo, "latest", MediaTypes.DOCKER_MANIFEST,
        Fixtures.bytes(Fixtures.DOCKER_MANIFEST));
    assertEquals(201, put.status(), put::toString);
    return Fixtures.digest(Fixtures.DOCKER_MANIFEST);
  }

  static byte[] artifact(String artifactType, Digest blob, long blobSize, String blobType,
      Digest subject, String subjectType, long subjectSize) {
    JsonObject m = new JsonObject();
    m.addProperty("mediaType", ORAS);
    if (artifactType != null) {
      m.addProperty("artifactType", artifactType);
    }
    JsonArray blobs = new JsonArray();
    if (blob != null) {
      JsonObject b = new JsonObject();
      b.addProperty("mediaType", blobType);
      b.addProperty("digest", blob.toString());
      b.addProperty("size", blobSize);
      blobs.add(b);
    }
    m.add("blobs", blobs);
    if (subject != null) {
      JsonObject s = new JsonObject();
      s.addProperty("mediaType", subjectType);
      s.addProperty("digest", subject.toString());
      s.addProperty("size", subjectSize);
      m.add("subject", s);
    }
    return m.toString().getBytes(StandardCharsets.UTF_8);
  }

  static List<JsonObject> references(Response r) {
    List<JsonObject> list = new ArrayList<>();
    for (JsonElement e : r.json().getAsJsonArray("references")) {
      list.add(e.getAsJsonObject());
    }
    return list;
  }

  /** The seed walkthrough's artifact, byte for byte (registry:2 refuses it; Berth must not). */
  @Test
  void storesTheSeedArtifactExactlyAndListsItOnBothRoutes() {
    Digest subject = pushDockerImage("busybox");
    Digest signature = client.pushBlob("busybox", Fixtures.bytes(Fixtures.NOTARY_SIGNATURE));
    byte[] artifact = Fixtures.bytes(Fixtures.ORAS_ARTIFACT);
    Digest digest = Digest.sha256(artifact);
    Response put = client.putManifest("busybox", digest.toString(), ORAS, artifact);
    assertEquals(201, put.status(), put::toString);
    assertEquals(digest.toString(), put.header("Docker-Content-Digest"));
    assertEquals(subject.toString(), put.header("OCI-Subject"));

    Response get = client.get("/v2/busybox/manifests/" + digest);
    assertEquals(ORAS, get.header("Content-Type"));
    assertArrayEquals(artifact, get.body());

    Response oras = client.get("/oras/artifacts/v1/busybox/manifests/" + subject
        + "/referrers?artifactType=application/vnd.cncf.notary.v2");
    assertEquals(200, oras.status());
    assertEquals("application/json", oras.header("Content-Type"));
    List<JsonObject> refs = references(oras);
    assertEquals(1, refs.size());
    JsonObject ref = refs.get(0);
    assertEquals(digest.toString(), ref.get("digest").getAsString());
    assertEquals(ORAS, ref.get("mediaType").getAsString());
    assertEquals("application/vnd.cncf.notary.v2", ref.get("artifactType").getAsString());
    assertEquals(artifact.length, ref.get("size").getAsLong());

    // The seed reads the artifact back through the ORAS manifest route, then its first blob.
    Response back = client.get("/oras/artifacts/v1/busybox/manifests/" + digest);
    assertArrayEquals(artifact, back.body());
    assertEquals(ORAS, back.header("Content-Type"));
    String blob = back.json().getAsJsonArray("blobs").get(0).getAsJsonObject().get("digest")
        .getAsString();
    assertEquals(signature.toString(), blob);
    assertArrayEquals(Fixtures.bytes(Fixtures.NOTARY_SIGNATURE),
        client.get("/v2/busybox/blobs/" + blob).body());
    Response head = client.head("/oras/artifacts/v1/busybox/manifests/" + digest);
    assertEquals(200, head.status());
    assertEquals(String.valueOf(artifact.length), head.header("Content-Length"));

    Response oci = client.get("/v2/busybox/referrers/" + subject);
    JsonObject entry = oci.json().getAsJsonArray("manifests").get(0).getAsJsonObject();
    assertEquals(digest.toString(), entry.get("digest").getAsString());
    assertEquals(ORAS, entry.get("mediaType").getAsString());
    assertEquals("application/vnd.cncf.notary.v2", entry.get("artifactType").getAsString());
  }

  @Test
  void theOrasRouteAnswersAnEmptyArrayNeverNull() {
    pushDockerImage("busybox");
    Response r = client.get("/oras/artifacts/v1/busybox/manifests/sha256:" + "1".repeat(64)
        + "/referrers");
    assertEquals(200, r.status());
    assertEquals("{\"references\":[]}", r.text());
    Response unknownRepo = client.get("/oras/artifacts/v1/nothing/here/manifests/sha256:"
        + "1".repeat(64) + "/referrers");
    assertEquals("{\"references\":[]}", unknownRepo.text());
    assertEquals(400, client.get("/oras/artifacts/v1/busybox/manifests/sha256:zz/referrers")
        .status());
  }

  @Test
  void theOrasRoutePagesAndFilters() {
    Digest subject = pushDockerImage("busybox");
    for (int i = 0; i < 5; i++) {
      byte[] blob = ("sig " + i).getBytes(StandardCharsets.UTF_8);
      Digest b = client.pushBlob("busybox", blob);
      byte[] a = artifact(i < 3 ? "application/vnd.cncf.notary.v2" : "application/spdx+json", b,
          blob.length, "application/octet-stream", subject, MediaTypes.DOCKER_MANIFEST, 423);
      assertEquals(201, client.putManifest("busybox", Digest.sha256(a).toString(), ORAS, a).status());
    }
    String base = "/oras/artifacts/v1/busybox/manifests/" + subject + "/referrers";
    Response first = client.get(base + "?n=2");
    assertEquals(2, references(first).size());
    String link = first.header("Link");
    assertTrue(link.startsWith("<" + base + "?n=2&cursor="), link);
    List<String> seen = new ArrayList<>();
    String next = base + "?n=2";
    while (next != null) {
      Response page = client.get(next);
      references(page).forEach(r -> seen.add(r.get("digest").getAsString()));
      String l = page.header("Link");
      next = l == null ? null : ReferrersApiTest.NEXT.matcher(l).replaceAll("$1");
    }
    assertEquals(5, seen.size());
    assertEquals(seen.stream().sorted().toList(), seen);
    assertEquals(3, references(client.get(base + "?artifactType=application/vnd.cncf.notary.v2"))
        .size());
  }

  @Test
  void artifactTypeIsRequired() {
    Digest subject = pushDockerImage("busybox");
    byte[] a = artifact(null, null, 0, null, subject, MediaTypes.DOCKER_MANIFEST, 423);
    Response put = client.putManifest("busybox", "nope", ORAS, a);
    assertEquals(400, put.status());
    assertEquals(List.of("MANIFEST_INVALID"), put.errorCodes());
    assertTrue(put.errorMessage().contains("artifactType"), put::toString);
  }

  @Test
  void theSubjectMustBeAManifestOfTheSameRepository() {
    Digest subject = pushDockerImage("busybox");
    client.pushBlob("other", "x".getBytes(StandardCharsets.UTF_8));
    byte[] a = artifact("application/vnd.cncf.notary.v2", null, 0, null, subject,
        MediaTypes.DOCKER_MANIFEST, 423);
    Response elsewhere = client.putManifest("other", Digest.sha256(a).toString(), ORAS, a);
    assertEquals(400, elsewhere.status());
    assertEquals(List.of("MANIFEST_BLOB_UNKNOWN"), elsewhere.errorCodes());
    assertEquals(404, client.get("/v2/other/manifests/" + Digest.sha256(a)).status());

    byte[] toBlob = artifact("application/vnd.cncf.notary.v2", null, 0, null,
        Fixtures.digest(Fixtures.LAYER), MediaTypes.DOCKER_MANIFEST, 172);
    Response notAManifest = client.putManifest("busybox", Digest.sha256(toBlob).toString(), ORAS,
        toBlob);
    assertEquals(400, notAManifest.status());
    assertEquals(List.of("MANIFEST_BLOB_UNKNOWN"), notAManifest.errorCodes());
  }

  @Test
  void blobsMustExistAndMustNotBeManifests() {
    Digest subject = pushDockerImage("busybox");
    Digest missing = Digest.sha256("missing".getBytes(StandardCharsets.UTF_8));
    byte[] a = artifact("application/vnd.cncf.notary.v2", missing, 7, "application/octet-stream",
        subject, MediaTypes.DOCKER_MANIFEST, 423);
    Response put = client.putManifest("busybox", Digest.sha256(a).toString(), ORAS, a);
    assertEquals(400, put.status());
    assertEquals(List.of("MANIFEST_BLOB_UNKNOWN"), put.errorCodes());

    byte[] pointsAtManifest = artifact("application/vnd.cncf.notary.v2", subject, 423,
        "application/octet-stream", subject, MediaTypes.DOCKER_MANIFEST, 423);
    Response manifestBlob = client.putManifest("busybox", Digest.sha256(pointsAtManifest).toString(),
        ORAS, pointsAtManifest);
    assertEquals(400, manifestBlob.status());
    assertEquals(List.of("MANIFEST_INVALID"), manifestBlob.errorCodes());

    byte[] typedAsManifest = artifact("application/vnd.cncf.notary.v2",
        Fixtures.digest(Fixtures.LAYER), 172, MediaTypes.OCI_MANIFEST, subject,
        MediaTypes.DOCKER_MANIFEST, 423);
    Response typed = client.putManifest("busybox", Digest.sha256(typedAsManifest).toString(), ORAS,
        typedAsManifest);
    assertEquals(400, typed.status());
    assertEquals(List.of("MANIFEST_INVALID"), typed.errorCodes());
  }

  @Test
  void anArtifactWithoutSubjectIsStoredAndListedNowhere() {
    pushDockerImage("busybox");
    byte[] blob = "standalone".getBytes(StandardCharsets.UTF_8);
    Digest b = client.pushBlob("busybox", blob);
    byte[] a = artifact("application/vnd.example.thing", b, blob.length, "text/plain", null, null, 0);
    Response put = client.putManifest("busybox", "thing", ORAS, a);
    assertEquals(201, put.status(), put::toString);
    assertNull(put.header("OCI-Subject"));
    assertArrayEquals(a, client.get("/v2/busybox/manifests/thing").body());
  }

  @Test
  void deletingAnArtifactRemovesItFromBothRoutes() {
    Digest subject = pushDockerImage("busybox");
    byte[] a = artifact("application/vnd.cncf.notary.v2", null, 0, null, subject,
        MediaTypes.DOCKER_MANIFEST, 423);
    Digest digest = Digest.sha256(a);
    assertEquals(201, client.putManifest("busybox", digest.toString(), ORAS, a).status());
    assertEquals(1, references(client.get("/oras/artifacts/v1/busybox/manifests/" + subject
        + "/referrers")).size());
    assertEquals(202, client.delete("/v2/busybox/manifests/" + digest).status());
    assertEquals(0, references(client.get("/oras/artifacts/v1/busybox/manifests/" + subject
        + "/referrers")).size());
    assertEquals(0, client.get("/v2/busybox/referrers/" + subject).json()
        .getAsJsonArray("manifests").size());
    assertEquals(404, client.get("/oras/artifacts/v1/busybox/manifests/" + digest).status());
  }
}
