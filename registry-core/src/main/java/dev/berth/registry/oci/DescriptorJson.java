package dev.berth.registry.oci;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Descriptors as JSON, both ways, in one place: what manifests carry, what the referrers index
 * stores, what a referrers response lists.
 *
 * <p>Written compact, keys in the order Go's image-spec types write them
 * ({@code mediaType, digest, size, annotations, artifactType}), annotations sorted by key. With
 * this, a referrers response is byte-identical to the fallback index oras-go would have written.
 *
 * <p>Read strictly, with messages that say which descriptor is wrong ({@code layers[2].size});
 * failures are {@code MANIFEST_INVALID}.
 */
public final class DescriptorJson {
  private DescriptorJson() {}

  public static void write(JsonWriter out, Descriptor d) throws IOException {
    out.beginObject();
    out.name("mediaType").value(d.mediaType());
    out.name("digest").value(d.digest().toString());
    out.name("size").value(d.size());
    if (!d.annotations().isEmpty()) {
      out.name("annotations").beginObject();
      for (Map.Entry<String, String> e : new TreeMap<>(d.annotations()).entrySet()) {
        out.name(e.getKey()).value(e.getValue());
      }
      out.endObject();
    }
    if (d.artifactType() != null) {
      out.name("artifactType").value(d.artifactType());
    }
    out.endObject();
  }

  public static byte[] toBytes(Descriptor d) {
    StringWriter text = new StringWriter();
    try (JsonWriter out = new JsonWriter(text)) {
      out.setHtmlSafe(false);
      write(out, d);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads one descriptor object.
   *
   * @param where how messages name it ({@code "layers[2]"})
   * @throws RegistryException {@code MANIFEST_INVALID}
   */
  public static Descriptor read(JsonObject json, String where) {
    String prefix = where + ".";
    String mediaType = JsonFields.string(json, "mediaType", prefix);
    if (mediaType == null || mediaType.isEmpty()) {
      throw JsonFields.invalid(where + ".mediaType is required");
    }
    String digestText = JsonFields.string(json, "digest", prefix);
    if (digestText == null) {
      throw JsonFields.invalid(where + ".digest is required");
    }
    Digest digest = Digest.tryParse(digestText);
    if (digest == null) {
      throw JsonFields.invalid(where + ".digest " + Strings.quote(digestText)
          + " is not a valid digest");
    }
    Long size = JsonFields.integer(json, "size", prefix);
    if (size == null) {
      throw JsonFields.invalid(where + ".size is required and must be a number");
    }
    if (size < 0) {
      throw JsonFields.invalid(where + ".size must not be negative");
    }
    String data = JsonFields.string(json, "data", prefix);
    if (data != null) {
      checkEmbeddedData(where, data, digest, size);
    }
    String artifactType = JsonFields.string(json, "artifactType", prefix);
    JsonFields.strings(json, "urls", prefix);
    checkPlatform(json, prefix);
    return new Descriptor(mediaType, digest, size, artifactType,
        JsonFields.annotations(json, prefix));
  }

  /**
   * An index entry's {@code platform}, when present, has the image-spec's shape: strings
   * {@code architecture} and {@code os} (required), {@code os.version} and {@code variant},
   * string arrays {@code os.features} and {@code features}.
   */
  private static void checkPlatform(JsonObject json, String prefix) {
    JsonObject platform = JsonFields.object(json, "platform", prefix, false);
    if (platform == null) {
      return;
    }
    String where = prefix + "platform.";
    for (String required : new String[] {"architecture", "os"}) {
      if (JsonFields.string(platform, required, where) == null) {
        throw JsonFields.invalid(where + required + " is required");
      }
    }
    JsonFields.string(platform, "os.version", where);
    JsonFields.string(platform, "variant", where);
    JsonFields.strings(platform, "os.features", where);
    JsonFields.strings(platform, "features", where);
  }

  /** Reads the next value of a stream as a descriptor (an entry of a stored array). */
  public static Descriptor read(JsonReader reader, String where) throws IOException {
    JsonElement element = JsonParser.parseReader(reader);
    if (!element.isJsonObject()) {
      throw JsonFields.invalid(where + " must be an object");
    }
    return read(element.getAsJsonObject(), where);
  }

  /**
   * Reads a stored descriptor object.
   *
   * @throws RegistryException {@code MANIFEST_INVALID} when the bytes are not one
   */
  public static Descriptor fromBytes(byte[] bytes, String where) {
    JsonElement element;
    try {
      element = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
    } catch (JsonParseException e) {
      throw JsonFields.invalid(where + " is not JSON: " + e.getMessage());
    }
    if (!element.isJsonObject()) {
      throw JsonFields.invalid(where + " must be an object");
    }
    return read(element.getAsJsonObject(), where);
  }

  private static void checkEmbeddedData(String where, String data, Digest digest, long size) {
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw JsonFields.invalid(where + ".data is not valid base64");
    }
    if (decoded.length != size) {
      throw JsonFields.invalid(where + ".data holds " + decoded.length + " bytes but size says "
          + size);
    }
    if (digest.isVerifiable() && !Digest.of(digest.algorithm(), decoded).equals(digest)) {
      throw JsonFields.invalid(where + ".data does not match its digest " + digest);
    }
  }
}
