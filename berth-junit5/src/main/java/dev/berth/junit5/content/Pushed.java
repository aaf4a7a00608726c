package dev.berth.junit5.content;

import java.util.List;

/** Something {@link TestContent} pushed: an image, an index or an artifact. */
public sealed interface Pushed permits PushedImage, PushedIndex, PushedArtifact {

  String repository();

  /** The manifest's digest, {@code sha256:<hex>}. */
  String digest();

  /** The manifest's media type. */
  String mediaType();

  /** A copy of the manifest's bytes, exactly as pushed. */
  byte[] manifest();

  /** The tags it was pushed with (none: pushed by digest). */
  List<String> tags();

  /** The manifest's size in bytes. */
  default long size() {
    return manifest().length;
  }

  /** {@code <repository>@<digest>}: prefix it with the registry's authority for a client. */
  default String reference() {
    return repository() + "@" + digest();
  }
}
