package dev.berth.launcher.hostile;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Manifest and descriptor JSON written as text, so that any field can hold any (wrong) value. */
final class Manifests {
  private Manifests() {}

  static final String EMPTY_CONFIG = descriptor(MediaTypes.OCI_EMPTY,
      Digest.EMPTY_JSON.toString(), 2);

  static String quote(String s) {
    return "\"" + s + "\"";
  }

  static String descriptor(String mediaType, String digest, long size) {
    return object(Map.of("mediaType", quote(mediaType), "digest", quote(digest),
        "size", Long.toString(size)), "mediaType", "digest", "size");
  }

  /** An image manifest with the given config descriptor and layers array, as JSON text. */
  static String manifest(String config, String layers) {
    return "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
        + config + ",\"layers\":" + layers + "}";
  }

  /**
   * {@code base} (a descriptor or manifest, fields as JSON literals) with {@code field} set to the
   * JSON literal {@code value}, or left out when {@code value} is null.
   */
  static String with(Map<String, String> base, String field, String value) {
    Map<String, String> fields = new LinkedHashMap<>(base);
    if (value == null) {
      fields.remove(field);
    } else {
      fields.put(field, value);
    }
    return object(fields, fields.keySet().toArray(String[]::new));
  }

  private static String object(Map<String, String> fields, String... order) {
    StringJoiner out = new StringJoiner(",", "{", "}");
    for (String name : order) {
      out.add(quote(name) + ":" + fields.get(name));
    }
    return out.toString();
  }

  /** The fields of a descriptor, as JSON literals in the order the image-spec writes them. */
  static Map<String, String> fields(String mediaType, Digest digest, long size) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("mediaType", quote(mediaType));
    fields.put("digest", quote(digest.toString()));
    fields.put("size", Long.toString(size));
    return fields;
  }

  /** The top-level fields of an image manifest, as JSON literals. */
  static Map<String, String> imageFields(String config, String layers) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("schemaVersion", "2");
    fields.put("mediaType", quote(MediaTypes.OCI_MANIFEST));
    fields.put("config", config);
    fields.put("layers", layers);
    return fields;
  }
}
