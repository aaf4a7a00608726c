package dev.berth.junit5.content;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writing the manifests and configs of test content. */
final class Json {
  private Json() {}

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  static JsonObject descriptor(String mediaType, String digest, long size) {
    JsonObject d = new JsonObject();
    d.addProperty("mediaType", mediaType);
    d.addProperty("digest", digest);
    d.addProperty("size", size);
    return d;
  }

  static JsonObject descriptor(Blob blob) {
    return descriptor(blob.mediaType(), blob.digest(), blob.size());
  }

  static JsonObject descriptor(Pushed manifest) {
    return descriptor(manifest.mediaType(), manifest.digest(), manifest.size());
  }

  static JsonObject annotations(Map<String, String> annotations) {
    JsonObject a = new JsonObject();
    annotations.forEach(a::addProperty);
    return a;
  }

  static byte[] bytes(JsonObject json) {
    return GSON.toJson(json).getBytes(StandardCharsets.UTF_8);
  }

  static String sha256(byte[] bytes) {
    return Digest.sha256(bytes).toString();
  }

  /** The OCI empty blob {@code {}}, which artifacts use as their config. */
  static Blob empty() {
    byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);
    return new Blob(sha256(bytes), dev.berth.registry.oci.MediaTypes.OCI_EMPTY, bytes);
  }
}
