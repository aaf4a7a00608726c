package dev.berth.junit5.content;

import java.util.List;
import java.util.Objects;

/**
 * A multi-platform index (or Docker manifest list) {@link TestContent} pushed.
 *
 * @param images the image of each platform, in the index's order
 */
public record PushedIndex(String repository, String digest, String mediaType, byte[] manifest,
    List<String> tags, List<PushedImage> images) implements Pushed {

  public PushedIndex {
    Objects.requireNonNull(digest, "digest");
    manifest = manifest.clone();
    tags = List.copyOf(tags);
    images = List.copyOf(images);
  }

  @Override
  public byte[] manifest() {
    return manifest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PushedIndex p && p.repository.equals(repository)
        && p.digest.equals(digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "index " + reference() + " (" + images.size() + " platforms)";
  }
}
