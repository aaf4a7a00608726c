package dev.berth.registry.manifest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads manifest bytes into a {@link ParsedManifest}, dispatching on the media type through a small
 * table of shapes. It checks structure only; whether referenced content exists is the caller's
 * question.
 */
public final class ManifestParser {
  private ManifestParser() {}

  /** How one family of manifests is read. */
  private interface Shape {
    ParsedManifest read(String mediaType, Digest digest, byte[] bytes, JsonObject json);
  }

  private static final Map<String, Shape> SHAPES = Map.of(
      MediaTypes.OCI_MANIFEST, ManifestParser::image,
      MediaTypes.DOCKER_MANIFEST, ManifestParser::image,
      MediaTypes.OCI_INDEX, ManifestParser::index,
      MediaTypes.DOCKER_MANIFEST_LIST, ManifestParser::index,
      MediaTypes.ORAS_ARTIFACT_MANIFEST, ManifestParser::artifact,
      MediaTypes.OCI_ARTIFACT_MANIFEST, ManifestParser::artifact);

  /**
   * Parses bytes that arrive in a PUT.
   *
   * @param contentType the request's {@code Content-Type} (bare), possibly empty
   * @param digestAlgorithm the algorithm to identify the manifest by
   */
  public static ParsedManifest parseForPut(byte[] bytes, String contentType, String digestAlgorithm) {
    JsonObject json = readObject(bytes);
    String declared = stringField(json, "mediaType", "");
    String sniffed = sniff(json);
    String type;
    if (declared != null) {
      if (MediaTypes.isManifest(contentType) && !contentType.equals(declared)) {
        throw invalid("Content-Type " + contentType + " does not match the manifest's mediaType "
            + declared);
      }
      type = declared;
    } else if (MediaTypes.isManifest(contentType)) {
      if (sniffed != null && !sniffed.equals(contentType)) {
        throw invalid("Content-Type " + contentType + " does not match the manifest's shape, which is"
            + " that of " + sniffed);
      }
      type = contentType;
    } else if (sniffed != null) {
      type = sniffed;
    } else {
      throw invalid("cannot tell the manifest's type: it has no mediaType field and the Content-Type "
          + (contentType.isEmpty() ? "is missing" : "is " + contentType));
    }
    if (MediaTypes.DOCKER_SCHEMA1.equals(type) || MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(type)) {
      throw invalid("Docker schema 1 manifests are not supported; push schema 2 or OCI");
    }
    Shape shape = SHAPES.get(type);
    if (shape == null) {
      throw invalid("unsupported manifest media type " + type);
    }
    return shape.read(type, Digest.of(digestAlgorithm, bytes), bytes, json);
  }

  /**
   * Parses bytes already stored under {@code digest}. Their type comes from the bytes alone, as it
   * did when they were accepted.
   */
  public static ParsedManifest parseStored(Digest digest, byte[] bytes) {
    JsonObject json = readObject(bytes);
    String type = stringField(json, "mediaType", "");
    if (type == null) {
      type = sniff(json);
    }
    Shape shape = type == null ? null : SHAPES.get(type);
    if (shape == null) {
      throw invalid("stored manifest " + digest + " has an unsupported type " + type);
    }
    return shape.read(type, digest, bytes, json);
  }

  /**
   * The type that a manifest without {@code mediaType} has by its shape: an index has
   * {@code manifests}, an image manifest has {@code config}, an ORAS artifact has {@code blobs} or
   * {@code artifactType} and neither of those.
   */
  static String sniff(JsonObject json) {
    JsonElement version = json.get("schemaVersion");
    if (version != null && version.isJsonPrimitive() && version.getAsJsonPrimitive().isNumber()
        && version.getAsInt() == 1) {
      return MediaTypes.DOCKER_SCHEMA1;
    }
    if (json.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (json.has("config")) {
      return MediaTypes.OCI_MANIFEST;
    }
    if (json.has("blobs") || json.has("artifactType")) {
      return MediaTypes.ORAS_ARTIFACT_MANIFEST;
    }
    return null;
  }

  private static ParsedManifest image(String type, Digest digest, byte[] bytes, JsonObject json) {
    requireSchemaVersion2(json);
    JsonObject configJson = objectField(json, "config", "", true);
    Descriptor config = descriptor(configJson, "config");
    List<Descriptor> layers = descriptors(json, "layers", false);
    boolean oci = MediaTypes.OCI_MANIFEST.equals(type);
    Descriptor subject = oci ? optionalDescriptor(json, "subject") : null;
    String artifactType = oci ? stringField(json, "artifactType", "") : null;
    return new ParsedManifest(type, digest, bytes, config, layers, List.of(), subject, artifactType,
        oci ? annotations(json, "") : Map.of(), externalLayers(json));
  }

  private static ParsedManifest index(String type, Digest digest, byte[] bytes, JsonObject json) {
    requireSchemaVersion2(json);
    List<Descriptor> children = descriptors(json, "manifests", true);
    boolean oci = MediaTypes.OCI_INDEX.equals(type);
    Descriptor subject = oci ? optionalDescriptor(json, "subject") : null;
    String artifactType = oci ? stringField(json, "artifactType", "") : null;
    return new ParsedManifest(type, digest, bytes, null, List.of(), children, subject, artifactType,
        oci ? annotations(json, "") : Map.of(), Set.of());
  }

  private static ParsedManifest artifact(String type, Digest digest, byte[] bytes, JsonObject json) {
    String artifactType = stringField(json, "artifactType", "");
    if (artifactType == null || artifactType.isBlank()) {
      throw invalid("artifactType is required in an " + type + " manifest");
    }
    List<Descriptor> blobs = descriptors(json, "blobs", false);
    for (int i = 0; i < blobs.size(); i++) {
      if (MediaTypes.isManifest(blobs.get(i).mediaType())) {
        throw invalid("blobs[" + i + "] has the manifest type " + blobs.get(i).mediaType()
            + ": an artifact's blobs must not be manifests");
      }
    }
    Descriptor subject = optionalDescriptor(json, "subject");
    return new ParsedManifest(type, digest, bytes, null, blobs, List.of(), subject, artifactType,
        annotations(json, ""), Set.of());
  }

  /**
   * Layers that the registry does not hold: Docker foreign and OCI non-distributable layers that
   * carry {@code urls}, e.g. {@code "mediaType":"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
   * "urls":["https://..."]}. Clients fetch them from those URLs, never push them.
   */
  private static Set<Digest> externalLayers(JsonObject json) {
    JsonElement layers = json.get("layers");
    if (layers == null || !layers.isJsonArray()) {
      return Set.of();
    }
    Set<Digest> external = new HashSet<>();
    for (JsonElement layer : layers.getAsJsonArray()) {
      JsonObject o = layer.getAsJsonObject();
      JsonElement urls = o.get("urls");
      String type = o.get("mediaType").getAsString();
      if (urls != null && urls.isJsonArray() && urls.getAsJsonArray().size() > 0
          && (type.contains("foreign") || type.contains("nondistributable"))) {
        external.add(Digest.parse(o.get("digest").getAsString()));
      }
    }
    return external;
  }

  /**
   * The {@code Content-Type} of stored manifest bytes: their {@code mediaType}, else the type their
   * shape gives; {@code application/octet-stream} when neither tells.
   */
  public static String mediaTypeOf(byte[] bytes) {
    JsonObject json;
    try {
      json = readObject(bytes);
    } catch (RegistryException e) {
      return "application/octet-stream";
    }
    JsonElement declared = json.get("mediaType");
    if (declared != null && declared.isJsonPrimitive() && declared.getAsJsonPrimitive().isString()) {
      return declared.getAsString();
    }
    String sniffed = sniff(json);
    if (MediaTypes.DOCKER_SCHEMA1.equals(sniffed) && json.has("signatures")) {
      return MediaTypes.DOCKER_SCHEMA1_SIGNED;
    }
    return sniffed == null ? "application/octet-stream" : sniffed;
  }

  /**
   * Every digest string anywhere in a manifest's JSON: what a manifest of a type Berth does not
   * parse (Docker schema 1, say) may reference. Garbage collection keeps all of them.
   */
  public static Set<Digest> allDigests(byte[] bytes) {
    Set<Digest> found = new HashSet<>();
    JsonElement root;
    try {
      root = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonParseException e) {
      return found;
    }
    java.util.ArrayDeque<JsonElement> pending = new java.util.ArrayDeque<>();
    pending.add(root);
    while (!pending.isEmpty()) {
      JsonElement e = pending.poll();
      if (e.isJsonObject()) {
        pending.addAll(e.getAsJsonObject().asMap().values());
      } else if (e.isJsonArray()) {
        e.getAsJsonArray().forEach(pending::add);
      } else if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
        Digest d = Digest.tryParse(e.getAsString());
        if (d != null && d.isVerifiable()) {
          found.add(d);
        }
      }
    }
    return found;
  }

  private static JsonObject readObject(byte[] bytes) {
    try (Reader reader = new InputStreamReader(new java.io.ByteArrayInputStream(bytes),
        StandardCharsets.UTF_8)) {
      JsonReader jsonReader = new JsonReader(reader);
      jsonReader.setStrictness(com.google.gson.Strictness.STRICT);
      JsonElement element = JsonParser.parseReader(jsonReader);
      if (jsonReader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
        throw invalid("the manifest has content after its JSON object");
      }
      if (!element.isJsonObject()) {
        throw invalid("the manifest must be a JSON object");
      }
      return element.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw invalid("the manifest is not valid JSON: " + rootMessage(e));
    } catch (IOException e) {
      throw invalid("the manifest is not valid JSON: " + e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static void requireSchemaVersion2(JsonObject json) {
    JsonElement version = json.get("schemaVersion");
    if (version == null || !version.isJsonPrimitive() || !version.getAsJsonPrimitive().isNumber()
        || version.getAsDouble() != 2) {
      throw invalid("schemaVersion must be 2");
    }
  }

  private static List<Descriptor> descriptors(JsonObject json, String field, boolean required) {
    JsonElement element = json.get(field);
    if (element == null || element.isJsonNull()) {
      if (required) {
        throw invalid(field + " is required");
      }
      return List.of();
    }
    if (!element.isJsonArray()) {
      throw invalid(field + " must be an array");
    }
    JsonArray array = element.getAsJsonArray();
    List<Descriptor> result = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonElement item = array.get(i);
      String where = field + "[" + i + "]";
      if (!item.isJsonObject()) {
        throw invalid(where + " must be an object");
      }
      result.add(descriptor(item.getAsJsonObject(), where));
    }
    return result;
  }

  private static Descriptor optionalDescriptor(JsonObject json, String field) {
    JsonObject object = objectField(json, field, "", false);
    return object == null ? null : descriptor(object, field);
  }

  /** Reads and checks one descriptor; {@code where} names it in messages ("layers[2]"). */
  static Descriptor descriptor(JsonObject json, String where) {
    String mediaType = stringField(json, "mediaType", where + ".");
    if (mediaType == null || mediaType.isEmpty()) {
      throw invalid(where + ".mediaType is required");
    }
    String digestText = stringField(json, "digest", where + ".");
    if (digestText == null) {
      throw invalid(where + ".digest is required");
    }
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (RegistryException e) {
      throw invalid(where + ".digest " + digestText + " is not a valid digest");
    }
    JsonElement sizeElement = json.get("size");
    if (sizeElement == null || !sizeElement.isJsonPrimitive()
        || !sizeElement.getAsJsonPrimitive().isNumber()) {
      throw invalid(where + ".size is required and must be a number");
    }
    long size;
    try {
      size = sizeElement.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
    } catch (ArithmeticException e) {
      throw invalid(where + ".size must be a whole number");
    }
    if (size < 0) {
      throw invalid(where + ".size must not be negative");
    }
    String data = stringField(json, "data", where + ".");
    if (data != null) {
      checkEmbeddedData(where, data, digest, size);
    }
    String artifactType = stringField(json, "artifactType", where + ".");
    return new Descriptor(mediaType, digest, size, artifactType, annotations(json, where + "."));
  }

  private static void checkEmbeddedData(String where, String data, Digest digest, long size) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw invalid(where + ".data is not valid base64");
    }
    if (decoded.length != size) {
      throw invalid(where + ".data holds " + decoded.length + " bytes but size says " + size);
    }
    if (digest.isVerifiable() && !Digest.of(digest.algorithm(), decoded).equals(digest)) {
      throw invalid(where + ".data does not match its digest " + digest);
    }
  }

  private static Map<String, String> annotations(JsonObject json, String prefix) {
    JsonObject object = objectField(json, "annotations", prefix, false);
    if (object == null) {
      return Map.of();
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : object.entrySet()) {
      JsonElement value = e.getValue();
      if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
        throw invalid(prefix + "annotations." + e.getKey() + " must be a string");
      }
      result.put(e.getKey(), value.getAsString());
    }
    return result;
  }

  private static JsonObject objectField(JsonObject json, String field, String prefix,
      boolean required) {
    JsonElement element = json.get(field);
    if (element == null || element.isJsonNull()) {
      if (required) {
        throw invalid(prefix + field + " is required");
      }
      return null;
    }
    if (!element.isJsonObject()) {
      throw invalid(prefix + field + " must be an object");
    }
    return element.getAsJsonObject();
  }

  private static String stringField(JsonObject json, String field, String prefix) {
    JsonElement element = json.get(field);
    if (element == null || element.isJsonNull()) {
      return null;
    }
    if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
      throw invalid(prefix + field + " must be a string");
    }
    return element.getAsString();
  }

  private static RegistryException invalid(String message) {
    return new RegistryException(ErrorCode.MANIFEST_INVALID, message);
  }
}
