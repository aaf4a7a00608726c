package dev.berth.registry.referrers;

import com.google.gson.JsonParseException;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.DescriptorJson;
import dev.berth.registry.oci.RegistryException;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
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

  /**
   * Streams a snapshot into {@code out}: a subject of 100,000 referrers makes some 30 MB of JSON,
   * which is not held in memory beside the entries it is written from.
   */
  static void write(OutputStream out, byte[] generation, SubjectReferrers referrers)
      throws IOException {
    out.write(generation);
    out.write('\n');
    JsonWriter json = new JsonWriter(new BufferedWriter(new OutputStreamWriter(out,
        StandardCharsets.UTF_8), 64 * 1024));
    json.setHtmlSafe(false);
    json.beginArray();
    for (Descriptor d : referrers.entries()) {
      DescriptorJson.write(json, d);
    }
    json.endArray();
    json.flush();
  }

  static byte[] write(byte[] generation, SubjectReferrers referrers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + referrers.size() * 300);
    try {
      write(out, generation, referrers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The snapshot's referrers, or null when it was taken at another generation or is unreadable. */
  static SubjectReferrers read(byte[] bytes, byte[] generation) {
    try {
      return read(new ByteArrayInputStream(bytes), generation);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Reads a snapshot as it streams in, or returns null when it was taken at another generation
   * or is unreadable.
   *
   * @throws IOException when the stream fails (not when its content is bad)
   */
  static SubjectReferrers read(InputStream in, byte[] generation) throws IOException {
    InputStream buffered = new BufferedInputStream(in, 64 * 1024);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    for (int b; (b = buffered.read()) != '\n'; ) {
      if (b < 0 || first.size() > 1024) {
        return null;
      }
      first.write(b);
    }
    if (!Arrays.equals(first.toByteArray(), generation)) {
      return null;
    }
    SubjectReferrers referrers = new SubjectReferrers();
    JsonReader json = new JsonReader(new InputStreamReader(buffered, StandardCharsets.UTF_8));
    try {
      json.beginArray();
      while (json.hasNext()) {
        referrers.put(DescriptorJson.read(json, "snapshot entry"));
      }
      json.endArray();
    } catch (JsonParseException | IllegalStateException | IllegalArgumentException
        | RegistryException e) {
      return null;
    } catch (java.io.EOFException | com.google.gson.stream.MalformedJsonException e) {
      return null;
    }
    return referrers;
  }
}
