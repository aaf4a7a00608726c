package dev.berth.junit5.content;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A manifest as the registry serves it back: the exact bytes, their type and digest.
 *
 * @param digest the registry's {@code Docker-Content-Digest}
 * @param mediaType the {@code Content-Type} it was pushed with
 */
public record StoredManifest(String digest, String mediaType, byte[] bytes) {

  public StoredManifest {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    bytes = bytes.clone();
  }

  /** A copy of the bytes. */
  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The JSON text. */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredManifest m && m.digest.equals(digest)
        && m.mediaType.equals(mediaType);
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
