package dev.berth.registry;


import dev.berth.registry.oci.Digest;
/**
 * A stored manifest: its exact bytes and the type it is served with.
 *
 * @param digest the digest of the bytes
 * @param mediaType the {@code Content-Type} to serve
 * @param bytes the exact bytes pushed; callers must not modify them
 */
public record ManifestContent(Digest digest, String mediaType, byte[] bytes) {
  public long size() {
    return bytes.length;
  }
}
