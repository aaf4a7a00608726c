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
 * What the OCI conformance suite (distribution-spec v1.1.1, and the main branch's findings) checks,
 * encoded as Berth's own tests: the shared constants and helpers of the suite's content.
 */
public abstract class ConformanceSuite extends HttpSuite {

  protected static final String NAME = "conformance/main";
  protected static final String CROSS = "conformance/cross";
  protected static final String ANNOTATION = "org.opencontainers.conformance.test";
  protected static final String TYPE_A = "application/vnd.nhl.peanut.butter.bagel";
  protected static final String TYPE_B = "application/vnd.nba.strawberry.jam.croissant";
  protected static final String TYPE_INDEX = "application/vnd.food.stand";
  protected static final Set<String> SPEC_CODES = Set.of("BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID",
      "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID", "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID",
      "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN", "SIZE_INVALID", "UNAUTHORIZED", "DENIED",
      "UNSUPPORTED", "TOOMANYREQUESTS");

  protected static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Go's json.MarshalIndent output shape: pretty-printed, as the suite sends its manifests. */
  protected static byte[] pretty(JsonObject json) {
    return utf8(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
        .toJson(json));
  }

  protected static JsonObject descriptor(String mediaType, byte[] content) {
    JsonObject d = new JsonObject();
    d.addProperty("mediaType", mediaType);
    d.addProperty("digest", Digest.sha256(content).toString());
    d.addProperty("size", content.length);
    return d;
  }

  protected static JsonObject emptyDescriptor() {
    return descriptor(MediaTypes.OCI_EMPTY, utf8("{}"));
  }

  /** An image manifest of the suite's shape; any argument may be null. */
  protected static byte[] manifest(String artifactType, JsonObject config, JsonArray layers,
      byte[] subject, String annotation) {
    JsonObject m = new JsonObject();
    m.addProperty("schemaVersion", 2);
    m.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
    if (artifactType != null) {
      m.addProperty("artifactType", artifactType);
    }
    m.add("config", config);
    m.add("layers", layers == null ? new JsonArray() : layers);
    if (subject != null) {
      m.add("subject", descriptor(MediaTypes.OCI_MANIFEST, subject));
    }
    if (annotation != null) {
      JsonObject a = new JsonObject();
      a.addProperty(ANNOTATION, annotation);
      m.add("annotations", a);
    }
    return pretty(m);
  }

  protected static JsonArray array(JsonObject... descriptors) {
    JsonArray a = new JsonArray();
    for (JsonObject d : descriptors) {
      a.add(d);
    }
    return a;
  }

  /** An image over a fresh config and layer, pushed with the suite's POST then PUT. */
  protected byte[] pushImage(String seed) {
    byte[] config = utf8("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":\"" + seed + "\"}");
    byte[] layer = utf8("layer of " + seed);
    client.pushBlob(NAME, config);
    client.pushBlob(NAME, layer);
    return manifest(null, descriptor(MediaTypes.OCI_CONFIG, config),
        array(descriptor(MediaTypes.OCI_LAYER_TAR_GZIP, layer)), null, null);
  }

  protected Response putManifest(String reference, String type, byte[] body) {
    return client.putManifest(NAME, reference, type, body);
  }

  protected void assertSpecError(Response r) {
    JsonArray errors = r.json().getAsJsonArray("errors");
    assertFalse(errors.isEmpty(), r::toString);
    for (JsonElement e : errors) {
      assertTrue(SPEC_CODES.contains(e.getAsJsonObject().get("code").getAsString()),
          r::toString);
    }
  }

  // --- Pull ---
}
