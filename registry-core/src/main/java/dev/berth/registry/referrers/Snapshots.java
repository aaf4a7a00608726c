package dev.berth.registry.referrers;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.DescriptorJson;
import dev.berth.registry.oci.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
        referrers.put(DescriptorJson.read(json, "snapshot entry"));
      }
      json.endArray();
    } catch (IOException | JsonParseException | IllegalStateException | IllegalArgumentException
        | RegistryException e) {
      return null;
    }
    return referrers;
  }
}
