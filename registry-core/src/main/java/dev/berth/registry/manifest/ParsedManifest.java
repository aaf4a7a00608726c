package dev.berth.registry.manifest;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed view of a manifest, kept beside its exact bytes (which are never re-serialized).
 *
 * @param mediaType the manifest's type: its {@code mediaType} field, or for manifests without one
 *     (umoci's), the type its shape and its {@code Content-Type} agree on
 * @param digest the digest of {@link #bytes}
 * @param bytes the exact bytes pushed
 * @param config the config descriptor (image manifests), else null
 * @param blobs layers (image manifests) or blobs (artifact manifests), in order
 * @param manifests child manifests (indexes and manifest lists), in order
 * @param subject the subject descriptor, else null
 * @param artifactType the manifest's own {@code artifactType}, else null
 * @param annotations the manifest's annotations
 * @param externalBlobs layers that live elsewhere (non-distributable layers with {@code urls}),
 *     which the registry does not hold and does not check
 */
public record ParsedManifest(String mediaType, Digest digest, byte[] bytes, Descriptor config,
    List<Descriptor> blobs, List<Descriptor> manifests, Descriptor subject, String artifactType,
    Map<String, String> annotations, java.util.Set<Digest> externalBlobs) {

  public ParsedManifest {
    bytes = bytes.clone();
    externalBlobs = externalBlobs == null ? java.util.Set.of() : java.util.Set.copyOf(externalBlobs);
    blobs = List.copyOf(blobs);
    manifests = List.copyOf(manifests);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  /** A copy of the exact bytes: what a digest names must not change under its holder. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public long size() {
    return bytes.length;
  }

  public Optional<Descriptor> subjectIfAny() {
    return Optional.ofNullable(subject);
  }

  public boolean isIndex() {
    return MediaTypes.isIndex(mediaType);
  }

  /**
   * The artifact type a referrers listing shows for this manifest: its own {@code artifactType};
   * for an image manifest without one, its config's media type; otherwise none.
   */
  public String referrerArtifactType() {
    if (artifactType != null && !artifactType.isEmpty()) {
      return artifactType;
    }
    if (config != null && (MediaTypes.OCI_MANIFEST.equals(mediaType))) {
      return config.mediaType();
    }
    return null;
  }

  /** This manifest as an entry of its subject's referrers listing. */
  public Descriptor asReferrer() {
    return new Descriptor(mediaType, digest, bytes.length, referrerArtifactType(), annotations);
  }

  /** Every blob digest this manifest keeps alive: config first, then blobs or layers. */
  public List<Descriptor> referencedBlobs() {
    if (config == null) {
      return blobs;
    }
    java.util.ArrayList<Descriptor> all = new java.util.ArrayList<>(blobs.size() + 1);
    all.add(config);
    all.addAll(blobs);
    return all;
  }
}
