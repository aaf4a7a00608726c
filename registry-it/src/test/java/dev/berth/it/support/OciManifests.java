package dev.berth.it.support;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.berth.it.support.CrashLedger.Pushed;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * OCI image manifests and indexes (image-spec v1.1) built from descriptors, each made unique by an
 * annotation naming the write that pushed it, with an optional {@code subject} and
 * {@code artifactType}. The bytes are what is pushed and what must be served back.
 */
public final class OciManifests {

  /** The annotation that makes every pushed manifest distinct. */
  public static final String WRITE_ANNOTATION = "dev.berth.crash.write";

  private OciManifests() {}

  /** A blob as a descriptor names it. */
  public record Blob(Digest digest, long size, String mediaType) {}

  /**
   * An image manifest over {@code config} and {@code layers}.
   *
   * @param subject the manifest it refers to, or null
   * @param subjectType the subject's media type (a descriptor must carry one)
   * @param subjectSize the subject's size
   * @param artifactType the artifact type, or null
   */
  public static Pushed image(String write, Blob config, List<Blob> layers, Digest subject,
      String subjectType, long subjectSize, String artifactType) {
    JsonObject m = new JsonObject();
    m.addProperty("schemaVersion", 2);
    m.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
    if (artifactType != null) {
      m.addProperty("artifactType", artifactType);
    }
    m.add("config", descriptor(config.mediaType(), config.digest(), config.size()));
    JsonArray array = new JsonArray();
    List<Digest> blobs = new ArrayList<>();
    blobs.add(config.digest());
    for (Blob layer : layers) {
      array.add(descriptor(layer.mediaType(), layer.digest(), layer.size()));
      blobs.add(layer.digest());
    }
    m.add("layers", array);
    if (subject != null) {
      m.add("subject", descriptor(subjectType, subject, subjectSize));
    }
    m.add("annotations", annotations(write));
    byte[] bytes = m.toString().getBytes(StandardCharsets.UTF_8);
    return new Pushed(Digest.sha256(bytes), MediaTypes.OCI_MANIFEST, bytes, subject,
        artifactType != null ? artifactType : config.mediaType(), List.copyOf(blobs), List.of());
  }

  /** An image index over {@code children}, manifests of the same repository. */
  public static Pushed index(String write, List<Pushed> children, Digest subject,
      String subjectType, long subjectSize, String artifactType) {
    JsonObject m = new JsonObject();
    m.addProperty("schemaVersion", 2);
    m.addProperty("mediaType", MediaTypes.OCI_INDEX);
    if (artifactType != null) {
      m.addProperty("artifactType", artifactType);
    }
    JsonArray array = new JsonArray();
    List<Digest> digests = new ArrayList<>();
    for (Pushed child : children) {
      array.add(descriptor(child.mediaType(), child.digest(), child.bytes().length));
      digests.add(child.digest());
    }
    m.add("manifests", array);
    if (subject != null) {
      m.add("subject", descriptor(subjectType, subject, subjectSize));
    }
    m.add("annotations", annotations(write));
    byte[] bytes = m.toString().getBytes(StandardCharsets.UTF_8);
    return new Pushed(Digest.sha256(bytes), MediaTypes.OCI_INDEX, bytes, subject, artifactType,
        List.of(), List.copyOf(digests));
  }

  private static JsonObject descriptor(String mediaType, Digest digest, long size) {
    JsonObject d = new JsonObject();
    d.addProperty("mediaType", mediaType);
    d.addProperty("digest", digest.toString());
    d.addProperty("size", size);
    return d;
  }

  private static JsonObject annotations(String write) {
    JsonObject a = new JsonObject();
    a.addProperty(WRITE_ANNOTATION, write);
    return a;
  }
}
