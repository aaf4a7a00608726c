package dev.berth.registry;

import dev.berth.registry.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A stored manifest: its exact bytes and the type it is served with. Immutable: {@link #bytes()}
 * hands out a copy, so no caller can change what its digest names; {@link #writeTo} and
 * {@link #openStream()} read without copying.
 */
public final class ManifestContent {
  private final Digest digest;
  private final String mediaType;
  private final byte[] bytes;

  private ManifestContent(Digest digest, String mediaType, byte[] bytes) {
    this.digest = Objects.requireNonNull(digest, "digest");
    this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
    this.bytes = bytes;
  }

  /** A manifest of a copy of {@code bytes}. */
  public static ManifestContent of(Digest digest, String mediaType, byte[] bytes) {
    return new ManifestContent(digest, mediaType, bytes.clone());
  }

  /** For the registry's own arrays, which nothing else holds. */
  static ManifestContent owning(Digest digest, String mediaType, byte[] bytes) {
    return new ManifestContent(digest, mediaType, bytes);
  }

  /** The digest of the bytes. */
  public Digest digest() {
    return digest;
  }

  /** The {@code Content-Type} to serve. */
  public String mediaType() {
    return mediaType;
  }

  /** A copy of the exact bytes pushed. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The registry's own array, for reading inside the registry only. */
  byte[] shared() {
    return bytes;
  }

  public long size() {
    return bytes.length;
  }

  /** Writes the bytes to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(bytes);
  }

  public InputStream openStream() {
    return new ByteArrayInputStream(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManifestContent other && digest.equals(other.digest)
        && mediaType.equals(other.mediaType);
  }

  @Override
  public int hashCode() {
    return digest.hashCode() * 31 + mediaType.hashCode();
  }

  @Override
  public String toString() {
    return "ManifestContent[" + digest + ", " + mediaType + ", " + bytes.length + " bytes]";
  }
}
