package dev.berth.junit5.content;

import java.util.Objects;

/**
 * A blob of test content: its digest, media type and bytes.
 *
 * @param digest {@code sha256:<hex>}
 * @param mediaType the type it was described with in its manifest
 */
public record Blob(String digest, String mediaType, byte[] bytes) {

  public Blob {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    bytes = bytes.clone();
  }

  /** A copy of the content. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public long size() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Blob b && b.digest.equals(digest) && b.mediaType.equals(mediaType);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return mediaType + " " + digest + " (" + bytes.length + " bytes)";
  }
}
