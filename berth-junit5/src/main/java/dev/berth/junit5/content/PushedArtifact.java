package dev.berth.junit5.content;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An artifact {@link TestContent} pushed: an OCI 1.1 image manifest with an {@code artifactType},
 * or an ORAS artifact manifest.
 *
 * @param subject the digest of the manifest it refers to, if any
 * @param blobs its layers (OCI) or blobs (ORAS)
 */
public record PushedArtifact(String repository, String digest, String mediaType, byte[] manifest,
    List<String> tags, String artifactType, Optional<String> subject, List<Blob> blobs)
    implements Pushed {

  public PushedArtifact {
    Objects.requireNonNull(digest, "digest");
    manifest = manifest.clone();
    tags = List.copyOf(tags);
    blobs = List.copyOf(blobs);
  }

  @Override
  public byte[] manifest() {
    return manifest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PushedArtifact p && p.repository.equals(repository)
        && p.digest.equals(digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return artifactType + " " + reference() + subject.map(s -> " -> " + s).orElse("");
  }
}
