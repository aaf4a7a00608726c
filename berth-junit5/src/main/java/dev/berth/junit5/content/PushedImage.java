package dev.berth.junit5.content;

import java.util.List;
import java.util.Objects;

/**
 * An image {@link TestContent} pushed.
 *
 * @param platform {@code os/architecture[/variant]}, as its config says
 * @param config the config blob
 * @param layers the layer blobs, in order
 */
public record PushedImage(String repository, String digest, String mediaType, byte[] manifest,
    List<String> tags, String platform, Blob config, List<Blob> layers) implements Pushed {

  public PushedImage {
    Objects.requireNonNull(digest, "digest");
    manifest = manifest.clone();
    tags = List.copyOf(tags);
    layers = List.copyOf(layers);
  }

  @Override
  public byte[] manifest() {
    return manifest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PushedImage p && p.repository.equals(repository)
        && p.digest.equals(digest);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "image " + reference() + " (" + platform + ", " + layers.size() + " layers)";
  }
}
