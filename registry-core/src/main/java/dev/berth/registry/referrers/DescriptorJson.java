package dev.berth.registry.referrers;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Descriptors as compact JSON, keys in the order Go's image-spec types write them
 * ({@code mediaType, digest, size, annotations, artifactType}), annotations sorted by key. With this,
 * a referrers response is byte-identical to the fallback index oras-go would have written.
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

  public static Descriptor fromBytes(byte[] bytes) {
    JsonObject json = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8))
        .getAsJsonObject();
    Map<String, String> annotations = new TreeMap<>();
    JsonElement a = json.get("annotations");
    if (a != null && a.isJsonObject()) {
      a.getAsJsonObject().entrySet().forEach(e -> annotations.put(e.getKey(),
          e.getValue().getAsString()));
    }
    JsonElement type = json.get("artifactType");
    return new Descriptor(json.get("mediaType").getAsString(),
        Digest.parse(json.get("digest").getAsString()), json.get("size").getAsLong(),
        type == null || type.isJsonNull() ? null : type.getAsString(), annotations);
  }
}
