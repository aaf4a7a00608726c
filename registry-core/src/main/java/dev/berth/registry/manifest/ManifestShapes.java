package dev.berth.registry.manifest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.DescriptorJson;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.JsonFields;
import dev.berth.registry.oci.MediaTypes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The shapes of the manifest families: image manifests, indexes, ORAS artifact manifests. */
final class ManifestShapes {
  private ManifestShapes() {}

  static ParsedManifest image(String type, Digest digest, byte[] bytes, JsonObject json) {
    requireSchemaVersion2(json);
    JsonObject configJson = JsonFields.object(json, "config", "", true);
    Descriptor config = DescriptorJson.read(configJson, "config");
    List<Descriptor> layers = descriptors(json, "layers", false);
    boolean oci = MediaTypes.OCI_MANIFEST.equals(type);
    Descriptor subject = oci ? optionalDescriptor(json, "subject") : null;
    String artifactType = oci ? JsonFields.string(json, "artifactType", "") : null;
    return new ParsedManifest(type, digest, bytes, config, layers, List.of(), subject, artifactType,
        oci ? JsonFields.annotations(json, "") : Map.of(), externalLayers(layers, json));
  }

  static ParsedManifest index(String type, Digest digest, byte[] bytes, JsonObject json) {
    requireSchemaVersion2(json);
    List<Descriptor> children = descriptors(json, "manifests", true);
    boolean oci = MediaTypes.OCI_INDEX.equals(type);
    Descriptor subject = oci ? optionalDescriptor(json, "subject") : null;
    String artifactType = oci ? JsonFields.string(json, "artifactType", "") : null;
    return new ParsedManifest(type, digest, bytes, null, List.of(), children, subject, artifactType,
        oci ? JsonFields.annotations(json, "") : Map.of(), Set.of());
  }

  static ParsedManifest artifact(String type, Digest digest, byte[] bytes, JsonObject json) {
    String artifactType = JsonFields.string(json, "artifactType", "");
    if (artifactType == null || artifactType.isBlank()) {
      throw JsonFields.invalid("artifactType is required in an " + type + " manifest");
    }
    List<Descriptor> blobs = descriptors(json, "blobs", false);
    for (int i = 0; i < blobs.size(); i++) {
      if (MediaTypes.isManifest(blobs.get(i).mediaType())) {
        throw JsonFields.invalid("blobs[" + i + "] has the manifest type "
            + blobs.get(i).mediaType() + ": an artifact's blobs must not be manifests");
      }
    }
    Descriptor subject = optionalDescriptor(json, "subject");
    return new ParsedManifest(type, digest, bytes, null, blobs, List.of(), subject, artifactType,
        JsonFields.annotations(json, ""), Set.of());
  }

  /**
   * Layers that the registry does not hold: Docker foreign and OCI non-distributable layers that
   * carry {@code urls}, e.g. {@code "mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
   * "urls":["https://..."]}. Clients fetch them from those URLs, never push them.
   */
  private static Set<Digest> externalLayers(List<Descriptor> layers, JsonObject json) {
    JsonElement raw = json.get("layers");
    if (layers.isEmpty() || raw == null || !raw.isJsonArray()) {
      return Set.of();
    }
    Set<Digest> external = new HashSet<>();
    JsonArray array = raw.getAsJsonArray();
    for (int i = 0; i < layers.size(); i++) {
      JsonElement urls = array.get(i).getAsJsonObject().get("urls");
      String type = layers.get(i).mediaType();
      if (urls != null && urls.isJsonArray() && urls.getAsJsonArray().size() > 0
          && (type.contains("foreign") || type.contains("nondistributable"))) {
        external.add(layers.get(i).digest());
      }
    }
    return external;
  }

  private static void requireSchemaVersion2(JsonObject json) {
    if (!JsonFields.isInteger(json.get("schemaVersion"), 2)) {
      throw JsonFields.invalid("schemaVersion must be 2");
    }
  }

  private static List<Descriptor> descriptors(JsonObject json, String field, boolean required) {
    JsonElement element = json.get(field);
    if (element == null || element.isJsonNull()) {
      if (required) {
        throw JsonFields.invalid(field + " is required");
      }
      return List.of();
    }
    if (!element.isJsonArray()) {
      throw JsonFields.invalid(field + " must be an array");
    }
    JsonArray array = element.getAsJsonArray();
    List<Descriptor> result = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonElement item = array.get(i);
      String where = field + "[" + i + "]";
      if (!item.isJsonObject()) {
        throw JsonFields.invalid(where + " must be an object");
      }
      result.add(DescriptorJson.read(item.getAsJsonObject(), where));
    }
    return result;
  }

  private static Descriptor optionalDescriptor(JsonObject json, String field) {
    JsonObject object = JsonFields.object(json, field, "", false);
    return object == null ? null : DescriptorJson.read(object, field);
  }
}
