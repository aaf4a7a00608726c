package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.locationPath;
import static dev.berth.registry.servlet.testing.Listings.items;
import static dev.berth.registry.servlet.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite's discovery (referrers, tag listing set-up) and content-management
 * categories.
 */
public class ConformanceDiscoveryTest extends ConformanceSuite {

  @Test
  void referrersAsTheDiscoverySetupPushesThem() {
    byte[] blobA = utf8("test reference blob A");
    byte[] blobB = utf8("test reference blob B");
    client.pushBlob(NAME, utf8("{}"));
    client.pushBlob(NAME, blobA);
    byte[] subject = pushImage("subject");
    Digest subjectDigest = Digest.sha256(subject);
    byte[] neverPushed = pushImage("never pushed as a manifest");
    Map<String, String> annotations = new HashMap<>();

    // Before the subject exists: A with a type-specific config, A with artifactType, an index.
    byte[] aConfig = manifest(null, descriptor(TYPE_A, blobA),
        array(descriptor(TYPE_A, blobA)), subject, "test config a");
    byte[] aLayer = manifest(TYPE_A, emptyDescriptor(), array(descriptor(TYPE_A, blobA)),
        subject, "test layer a");
    JsonObject index = new JsonObject();
    index.addProperty("schemaVersion", 2);
    index.addProperty("mediaType", MediaTypes.OCI_INDEX);
    index.addProperty("artifactType", TYPE_INDEX);
    index.add("manifests", array(descriptor(MediaTypes.OCI_MANIFEST, aConfig),
        descriptor(MediaTypes.OCI_MANIFEST, aLayer)));
    index.add("subject", descriptor(MediaTypes.OCI_MANIFEST, subject));
    JsonObject indexAnnotations = new JsonObject();
    indexAnnotations.addProperty(ANNOTATION, "test index");
    index.add("annotations", indexAnnotations);
    byte[] indexBytes = pretty(index);
    for (byte[] referrer : List.of(aConfig, aLayer, indexBytes)) {
      String type = referrer == indexBytes ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
      Response put = putManifest(Digest.sha256(referrer).toString(), type, referrer);
      assertEquals(201, put.status(), put::toString);
      assertEquals(subjectDigest.toString(), put.header("OCI-Subject"));
    }
    annotations.put(Digest.sha256(aConfig).toString(), "test config a");
    annotations.put(Digest.sha256(aLayer).toString(), "test layer a");
    annotations.put(Digest.sha256(indexBytes).toString(), "test index");

    // The subject, then B with a type-specific config and B with artifactType.
    assertEquals(201, putManifest("tagtest0", MediaTypes.OCI_MANIFEST, subject).status());
    client.pushBlob(NAME, blobB);
    byte[] bConfig = manifest(null, descriptor(TYPE_B, blobB),
        array(descriptor(TYPE_B, blobB)), subject, "test config b");
    byte[] bLayer = manifest(TYPE_B, emptyDescriptor(), array(descriptor(TYPE_B, blobB)),
        subject, "test layer b");
    for (byte[] referrer : List.of(bConfig, bLayer)) {
      Response put = putManifest(Digest.sha256(referrer).toString(), MediaTypes.OCI_MANIFEST,
          referrer);
      assertEquals(201, put.status(), put::toString);
      assertEquals(subjectDigest.toString(), put.header("OCI-Subject"));
    }
    annotations.put(Digest.sha256(bConfig).toString(), "test config b");
    annotations.put(Digest.sha256(bLayer).toString(), "test layer b");

    // C: a referrer of a subject that is never pushed.
    byte[] cLayer = manifest(TYPE_B, emptyDescriptor(), array(descriptor(TYPE_B, blobB)),
        neverPushed, "test layer c");
    Response putC = putManifest(Digest.sha256(cLayer).toString(), MediaTypes.OCI_MANIFEST, cLayer);
    assertEquals(201, putC.status(), putC::toString);
    assertEquals(Digest.sha256(neverPushed).toString(), putC.header("OCI-Subject"));

    // An unknown digest: 200 and no entries.
    JsonArray none = referrers(Digest.sha256(utf8("dummy")), null);
    assertEquals(0, none.size());

    // The subject: 5 entries, each with its one annotation and its artifact type.
    JsonArray five = referrers(subjectDigest, null);
    assertEquals(5, five.size(), five::toString);
    Set<String> digests = new HashSet<>();
    Map<String, String> types = new HashMap<>();
    for (JsonElement e : five) {
      JsonObject entry = e.getAsJsonObject();
      String digest = entry.get("digest").getAsString();
      digests.add(digest);
      JsonObject entryAnnotations = entry.getAsJsonObject("annotations");
      assertEquals(1, entryAnnotations.size(), entry::toString);
      assertEquals(annotations.get(digest), entryAnnotations.get(ANNOTATION).getAsString());
      types.put(digest, entry.get("artifactType").getAsString());
    }
    assertEquals(annotations.keySet(), digests);
    assertEquals(TYPE_A, types.get(Digest.sha256(aConfig).toString()), "config.mediaType");
    assertEquals(TYPE_A, types.get(Digest.sha256(aLayer).toString()));
    assertEquals(TYPE_INDEX, types.get(Digest.sha256(indexBytes).toString()));
    assertEquals(TYPE_B, types.get(Digest.sha256(bConfig).toString()));

    // Filtered by type A: 2 entries, and the header says the filter was applied.
    JsonArray filtered = referrers(subjectDigest, TYPE_A);
    assertEquals(Set.of(Digest.sha256(aConfig).toString(), Digest.sha256(aLayer).toString()),
        Set.of(filtered.get(0).getAsJsonObject().get("digest").getAsString(),
            filtered.get(1).getAsJsonObject().get("digest").getAsString()));
    assertEquals(2, filtered.size());

    // The never-pushed subject: its one referrer.
    JsonArray one = referrers(Digest.sha256(neverPushed), null);
    assertEquals(1, one.size());
    assertEquals(Digest.sha256(cLayer).toString(),
        one.get(0).getAsJsonObject().get("digest").getAsString());
  }

  private JsonArray referrers(Digest subject, String artifactType) {
    String path = "/v2/" + NAME + "/referrers/" + subject
        + (artifactType == null ? "" : "?artifactType=" + artifactType);
    Response r = client.get(path);
    assertEquals(200, r.status(), r::toString);
    assertEquals(MediaTypes.OCI_INDEX, r.header("Content-Type"));
    if (artifactType != null) {
      assertEquals("artifactType", r.header("OCI-Filters-Applied"));
    }
    JsonObject index = r.json();
    assertEquals(2, index.get("schemaVersion").getAsInt());
    assertEquals(MediaTypes.OCI_INDEX, index.get("mediaType").getAsString());
    return index.getAsJsonArray("manifests");
  }

  // --- Content management ---

  @Test
  void deletingATagManifestAndBlob() {
    byte[] manifest = pushImage("management");
    Digest digest = Digest.sha256(manifest);
    for (int i = 0; i < 4; i++) {
      assertEquals(201, putManifest("test" + i, MediaTypes.OCI_MANIFEST, manifest).status());
    }
    byte[] other = pushImage("other");
    assertEquals(201, putManifest("tagtest0", MediaTypes.OCI_MANIFEST, other).status());
    List<String> before = items(client.get("/v2/" + NAME + "/tags/list"), "tags");
    assertEquals(5, before.size());

    assertEquals(202, client.delete("/v2/" + NAME + "/manifests/test3").status());
    assertEquals(404, client.get("/v2/" + NAME + "/manifests/test3").status());
    assertEquals(200, client.get("/v2/" + NAME + "/manifests/" + digest).status());

    assertEquals(202, client.delete("/v2/" + NAME + "/manifests/" + digest).status());
    assertEquals(404, client.get("/v2/" + NAME + "/manifests/" + digest).status());
    List<String> after = items(client.get("/v2/" + NAME + "/tags/list"), "tags");
    assertTrue(after.size() < before.size(), "the tag list shrinks");
    assertEquals(List.of("tagtest0"), after);

    byte[] blob = utf8("layer of management");
    Digest blobDigest = Digest.sha256(blob);
    assertEquals(202, client.delete("/v2/" + NAME + "/blobs/" + blobDigest).status());
    assertErrors(client.get("/v2/" + NAME + "/blobs/" + blobDigest), 404, "BLOB_UNKNOWN");
  }
}
