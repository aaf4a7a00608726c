package dev.berth.registry.upstream;

import java.util.Objects;

/**
 * A manifest as an upstream sent it: its exact bytes and the {@code Content-Type} it came with.
 * The bytes are copied in and out, so no holder can change them under a digest.
 */
public final class UpstreamManifest {
  private final String mediaType;
  private final byte[] bytes;

  private UpstreamManifest(String mediaType, byte[] bytes) {
    this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
    this.bytes = bytes.clone();
  }

  /** @param mediaType the upstream's {@code Content-Type}, bare (may be empty) */
  public static UpstreamManifest of(String mediaType, byte[] bytes) {
    return new UpstreamManifest(mediaType, bytes);
  }

  public String mediaType() {
    return mediaType;
  }

  /** A copy of the bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }
}
