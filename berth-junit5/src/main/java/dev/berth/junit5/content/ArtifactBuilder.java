package dev.berth.junit5.content;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An artifact, usually attached to a subject: a signature, an SBOM, an attestation.
 *
 * <pre>{@code
 * content.artifact("app").subject(image).artifactType("application/spdx+json")
 *     .blob("{\"spdxVersion\":\"SPDX-2.3\"}", "application/spdx+json").push();
 * }</pre>
 *
 * <p>In OCI 1.1 form ({@link TestContent#artifact}) it is an image manifest with the empty config
 * {@code {}}, the {@code artifactType} and the blobs as layers (the empty blob as the single layer
 * when there is none, as the image spec says for artifacts without files). In ORAS form
 * ({@link TestContent#orasArtifact}) it is an ORAS artifact manifest, whose subject must be in the
 * same repository.
 */
public final class ArtifactBuilder {

  private final Transport transport;
  private final String repository;
  private final boolean oras;
  private String artifactType = "application/vnd.berth.test.artifact";
  private JsonObject subject;
  private String subjectDigest;
  private final List<Blob> blobs = new ArrayList<>();
  private final List<String> tags = new ArrayList<>();
  private final Map<String, String> annotations = new LinkedHashMap<>();

  ArtifactBuilder(Transport transport, String repository, boolean oras) {
    this.transport = transport;
    this.repository = Objects.requireNonNull(repository, "repository");
    this.oras = oras;
  }

  public ArtifactBuilder artifactType(String artifactType) {
    this.artifactType = Objects.requireNonNull(artifactType, "artifactType");
    return this;
  }

  /** The manifest this artifact refers to (its {@code subject}). */
  public ArtifactBuilder subject(Pushed subject) {
    return subject(subject.mediaType(), subject.digest(), subject.size());
  }

  /** A manifest someone else pushed (a client under test), as read back, as the subject. */
  public ArtifactBuilder subject(StoredManifest subject) {
    return subject(subject.mediaType(), subject.digest(), subject.bytes().length);
  }

  private ArtifactBuilder subject(String mediaType, String digest, long size) {
    this.subject = Json.descriptor(mediaType, digest, size);
    this.subjectDigest = digest;
    return this;
  }

  /** A file of the artifact. */
  public ArtifactBuilder blob(byte[] content, String mediaType) {
    blobs.add(new Blob(Json.sha256(content), mediaType, content));
    return this;
  }

  /** A text file of the artifact (UTF-8). */
  public ArtifactBuilder blob(String content, String mediaType) {
    return blob(content.getBytes(StandardCharsets.UTF_8), mediaType);
  }

  public ArtifactBuilder annotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  /** Pushes the manifest under these tags too (else by digest only). */
  public ArtifactBuilder tag(String... tags) {
    this.tags.addAll(List.of(tags));
    return this;
  }

  /** Pushes the blobs (and the empty config), then the manifest. */
  public PushedArtifact push() {
    JsonObject manifest = new JsonObject();
    String mediaType;
    List<Blob> files = new ArrayList<>(blobs);
    JsonArray fileArray = new JsonArray();
    if (oras) {
      mediaType = MediaTypes.ORAS_ARTIFACT_MANIFEST;
      manifest.addProperty("mediaType", mediaType);
      manifest.addProperty("artifactType", artifactType);
      files.forEach(b -> fileArray.add(Json.descriptor(b)));
      manifest.add("blobs", fileArray);
    } else {
      mediaType = MediaTypes.OCI_MANIFEST;
      manifest.addProperty("schemaVersion", 2);
      manifest.addProperty("mediaType", mediaType);
      manifest.addProperty("artifactType", artifactType);
      manifest.add("config", Json.descriptor(Json.empty()));
      if (files.isEmpty()) {
        files.add(Json.empty());
      }
      files.forEach(b -> fileArray.add(Json.descriptor(b)));
      manifest.add("layers", fileArray);
    }
    if (subject != null) {
      manifest.add("subject", subject);
    }
    if (!annotations.isEmpty()) {
      manifest.add("annotations", Json.annotations(annotations));
    }
    byte[] bytes = Json.bytes(manifest);
    String digest = Json.sha256(bytes);
    if (!oras) {
      transport.putBlob(repository, Json.empty().digest(), Json.empty().bytes());
    }
    for (Blob b : files) {
      transport.putBlob(repository, b.digest(), b.bytes());
    }
    ImageBuilder.putManifest(transport, repository, digest, mediaType, bytes, tags);
    return new PushedArtifact(repository, digest, mediaType, bytes, tags, artifactType,
        Optional.ofNullable(subjectDigest), files);
  }
}
