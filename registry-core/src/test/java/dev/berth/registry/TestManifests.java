package dev.berth.registry;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Small manifests built as JSON for the core tests: OCI image manifests and indexes, with or
 * without a subject, and ORAS artifact manifests. Each carries a {@code seed} annotation so that
 * two of them differ in digest.
 */
final class TestManifests {
  private TestManifests() {}

  /** A manifest's exact bytes and the type to put it with. */
  record Built(String mediaType, byte[] bytes) {
    Digest digest() {
      return Digest.sha256(bytes);
    }

    Descriptor descriptor() {
      return Descriptor.of(mediaType, digest(), bytes.length);
    }
  }

  static final Descriptor EMPTY_CONFIG = Descriptor.of(MediaTypes.OCI_EMPTY, Digest.EMPTY_JSON, 2);

  static Descriptor layer(byte[] bytes) {
    return Descriptor.of("application/octet-stream", Digest.sha256(bytes), bytes.length);
  }

  /** An OCI image manifest with the empty config. */
  static Built image(String seed, List<Descriptor> layers) {
    return image(seed, EMPTY_CONFIG, layers, null, null);
  }

  /** An OCI image manifest that refers to {@code subject}. */
  static Built referrer(String seed, Built subject, String artifactType, List<Descriptor> layers) {
    return image(seed, EMPTY_CONFIG, layers, subject.descriptor(), artifactType);
  }

  static Built image(String seed, Descriptor config, List<Descriptor> layers, Descriptor subject,
      String artifactType) {
    JsonObject json = new JsonObject();
    json.addProperty("schemaVersion", 2);
    json.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
    if (artifactType != null) {
      json.addProperty("artifactType", artifactType);
    }
    json.add("config", descriptor(config));
    json.add("layers", descriptors(layers));
    return finish(MediaTypes.OCI_MANIFEST, json, subject, seed);
  }

  /** An OCI index of {@code children}, optionally a referrer of {@code subject}. */
  static Built index(String seed, List<Built> children, Built subject, String artifactType) {
    JsonObject json = new JsonObject();
    json.addProperty("schemaVersion", 2);
    json.addProperty("mediaType", MediaTypes.OCI_INDEX);
    if (artifactType != null) {
      json.addProperty("artifactType", artifactType);
    }
    json.add("manifests", descriptors(children.stream().map(Built::descriptor).toList()));
    return finish(MediaTypes.OCI_INDEX, json, subject == null ? null : subject.descriptor(), seed);
  }

  /** An ORAS artifact manifest (its subject must be a manifest of the repository). */
  static Built orasArtifact(String seed, String artifactType, List<Descriptor> blobs,
      Built subject) {
    JsonObject json = new JsonObject();
    json.addProperty("mediaType", MediaTypes.ORAS_ARTIFACT_MANIFEST);
    json.addProperty("artifactType", artifactType);
    json.add("blobs", descriptors(blobs));
    return finish(MediaTypes.ORAS_ARTIFACT_MANIFEST, json,
        subject == null ? null : subject.descriptor(), seed);
  }

  private static Built finish(String type, JsonObject json, Descriptor subject, String seed) {
    if (subject != null) {
      json.add("subject", descriptor(subject));
    }
    JsonObject annotations = new JsonObject();
    annotations.addProperty("seed", seed);
    json.add("annotations", annotations);
    return new Built(type, json.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject descriptor(Descriptor d) {
    JsonObject json = new JsonObject();
    json.addProperty("mediaType", d.mediaType());
    json.addProperty("digest", d.digest().toString());
    json.addProperty("size", d.size());
    return json;
  }

  private static JsonArray descriptors(List<Descriptor> list) {
    JsonArray array = new JsonArray();
    list.forEach(d -> array.add(descriptor(d)));
    return array;
  }
}
