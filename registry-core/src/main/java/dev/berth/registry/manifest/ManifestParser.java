package dev.berth.registry.manifest;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.JsonFields;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads manifest bytes into a {@link ParsedManifest}, dispatching on the media type through a small
 * table of shapes ({@link ManifestShapes}). It checks structure only; whether referenced content
 * exists is the caller's question. Every malformed input is {@code MANIFEST_INVALID}: JSON that
 * does not parse, nesting deeper than the parser's limit, numbers that are not 64-bit integers.
 */
public final class ManifestParser {
  private ManifestParser() {}

  /** How one family of manifests is read. */
  interface Shape {
    ParsedManifest read(String mediaType, Digest digest, byte[] bytes, JsonObject json);
  }

  private static final Map<String, Shape> SHAPES = Map.of(
      MediaTypes.OCI_MANIFEST, ManifestShapes::image,
      MediaTypes.DOCKER_MANIFEST, ManifestShapes::image,
      MediaTypes.OCI_INDEX, ManifestShapes::index,
      MediaTypes.DOCKER_MANIFEST_LIST, ManifestShapes::index,
      MediaTypes.ORAS_ARTIFACT_MANIFEST, ManifestShapes::artifact,
      MediaTypes.OCI_ARTIFACT_MANIFEST, ManifestShapes::artifact);

  /**
   * Parses bytes that arrive in a PUT.
   *
   * @param contentType the request's {@code Content-Type} (bare), possibly empty
   * @param digestAlgorithm the algorithm to identify the manifest by
   */
  public static ParsedManifest parseForPut(byte[] bytes, String contentType, String digestAlgorithm) {
    JsonObject json = readObject(bytes);
    String declared = JsonFields.string(json, "mediaType", "");
    String sniffed = sniff(json);
    String type;
    if (declared != null) {
      if (MediaTypes.isManifest(contentType) && !contentType.equals(declared)) {
        throw JsonFields.invalid("Content-Type " + contentType
            + " does not match the manifest's mediaType " + declared);
      }
      type = declared;
    } else if (MediaTypes.isManifest(contentType)) {
      if (sniffed != null && !sniffed.equals(contentType)) {
        throw JsonFields.invalid("Content-Type " + contentType + " does not match the manifest's"
            + " shape, which is that of " + sniffed);
      }
      type = contentType;
    } else if (sniffed != null) {
      type = sniffed;
    } else {
      throw JsonFields.invalid("cannot tell the manifest's type: it has no mediaType field and the"
          + " Content-Type " + (contentType.isEmpty() ? "is missing" : "is " + contentType));
    }
    if (MediaTypes.DOCKER_SCHEMA1.equals(type) || MediaTypes.DOCKER_SCHEMA1_SIGNED.equals(type)) {
      throw JsonFields.invalid("Docker schema 1 manifests are not supported; push schema 2 or OCI");
    }
    Shape shape = SHAPES.get(type);
    if (shape == null) {
      throw JsonFields.invalid("unsupported manifest media type " + type);
    }
    return shape.read(type, Digest.of(digestAlgorithm, bytes), bytes, json);
  }

  /**
   * Parses bytes already stored under {@code digest}. Their type comes from the bytes alone, as it
   * did when they were accepted.
   */
  public static ParsedManifest parseStored(Digest digest, byte[] bytes) {
    JsonObject json = readObject(bytes);
    String type = JsonFields.string(json, "mediaType", "");
    if (type == null) {
      type = sniff(json);
    }
    Shape shape = type == null ? null : SHAPES.get(type);
    if (shape == null) {
      throw JsonFields.invalid("stored manifest " + digest + " has an unsupported type " + type);
    }
    return shape.read(type, digest, bytes, json);
  }

  /**
   * The type that a manifest without {@code mediaType} has by its shape: an index has
   * {@code manifests}, an image manifest has {@code config}, an ORAS artifact has {@code blobs} or
   * {@code artifactType} and neither of those.
   */
  static String sniff(JsonObject json) {
    if (JsonFields.isInteger(json.get("schemaVersion"), 1)) {
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
    ArrayDeque<JsonElement> pending = new ArrayDeque<>();
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

  /**
   * Parses strict JSON (RFC 8259: no comments, no single quotes, no trailing content) into an
   * object. Gson's reader refuses nesting deeper than 255 levels, so a hostile body cannot exhaust
   * the stack.
   */
  static JsonObject readObject(byte[] bytes) {
    // RFC 8259 8.1: JSON between systems is UTF-8. A decoder that reports malformed bytes, instead
    // of the default that replaces them with U+FFFD, so such bytes are refused, not stored.
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (Reader reader = new InputStreamReader(new ByteArrayInputStream(bytes), utf8)) {
      JsonReader jsonReader = new JsonReader(reader);
      jsonReader.setStrictness(Strictness.STRICT);
      JsonElement element = JsonParser.parseReader(jsonReader);
      if (jsonReader.peek() != JsonToken.END_DOCUMENT) {
        throw JsonFields.invalid("the manifest has content after its JSON object");
      }
      if (!element.isJsonObject()) {
        throw JsonFields.invalid("the manifest must be a JSON object");
      }
      return element.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw JsonFields.invalid("the manifest is not valid JSON: " + rootMessage(e));
    } catch (IOException e) {
      throw JsonFields.invalid(e instanceof CharacterCodingException
          ? "the manifest is not UTF-8 (RFC 8259 8.1)"
          : "the manifest is not valid JSON: " + e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
