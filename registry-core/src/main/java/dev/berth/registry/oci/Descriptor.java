package dev.berth.registry.oci;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A content descriptor as it appears in manifests and in referrers listings. Immutable; the
 * annotations map is copied.
 *
 * @param mediaType the type of the referenced content
 * @param digest its digest
 * @param size its size in bytes
 * @param artifactType the artifact type, when one applies (referrers listings), else {@code null}
 * @param annotations annotations, never {@code null}
 */
public record Descriptor(String mediaType, Digest digest, long size, String artifactType,
    Map<String, String> annotations) {

  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
    // Compact and immutable; writers that need the keys in order sort them (DescriptorJson).
    annotations = annotations == null || annotations.isEmpty() ? Map.of() : Map.copyOf(annotations);
  }

  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null, Map.of());
  }

  public Optional<String> artifactTypeIfAny() {
    return Optional.ofNullable(artifactType);
  }
}
