package dev.berth.registry.referrers;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A subject's referrers in one object: the generation they were read under, a newline, then a
 * JSON array of descriptors as {@link DescriptorJson} writes them.
 */
final class Snapshots {
  private Snapshots() {}

  static byte[] write(byte[] generation, SubjectReferrers referrers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + referrers.size() * 300);
    out.writeBytes(generation);
    out.write('\n');
    try (JsonWriter json = new JsonWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
      json.setHtmlSafe(false);
      json.beginArray();
      for (Descriptor d : referrers.entries()) {
        DescriptorJson.write(json, d);
      }
      json.endArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The snapshot's referrers, or null when it was taken at another generation or is unreadable. */
  static SubjectReferrers read(byte[] bytes, byte[] generation) {
    int newline = -1;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0 || !Arrays.equals(Arrays.copyOf(bytes, newline), generation)) {
      return null;
    }
    SubjectReferrers referrers = new SubjectReferrers();
    try (JsonReader json = new JsonReader(new InputStreamReader(new ByteArrayInputStream(bytes,
        newline + 1, bytes.length - newline - 1), StandardCharsets.UTF_8))) {
      json.beginArray();
      while (json.hasNext()) {
        referrers.put(descriptor(json));
      }
      json.endArray();
    } catch (IOException | JsonParseException | IllegalStateException | IllegalArgumentException e) {
      return null;
    }
    return referrers;
  }

  private static Descriptor descriptor(JsonReader json) throws IOException {
    String mediaType = null;
    String digest = null;
    long size = 0;
    String artifactType = null;
    Map<String, String> annotations = new HashMap<>();
    json.beginObject();
    while (json.hasNext()) {
      switch (json.nextName()) {
        case "mediaType" -> mediaType = json.nextString();
        case "digest" -> digest = json.nextString();
        case "size" -> size = json.nextLong();
        case "artifactType" -> artifactType = json.nextString();
        case "annotations" -> {
          json.beginObject();
          while (json.hasNext()) {
            String name = json.nextName();
            annotations.put(name, json.peek() == JsonToken.NULL ? "" : json.nextString());
          }
          json.endObject();
        }
        default -> json.skipValue();
      }
    }
    json.endObject();
    return new Descriptor(mediaType, Digest.parse(digest), size, artifactType, annotations);
  }
}
