package dev.berth.registry.oci;

/**
 * What follows {@code /manifests/} in a URL: a {@link Tag} or a {@link Digest}, never anything else.
 */
public sealed interface Reference permits Tag, Digest {

  /**
   * Parses a manifest reference. A string with a colon must be a digest, anything else must be a tag.
   *
   * @throws RegistryException {@code DIGEST_INVALID} or {@code TAG_INVALID}
   */
  static Reference parse(String value) {
    if (value.indexOf(':') >= 0) {
      return Digest.parse(value);
    }
    return Tag.parse(value);
  }
}
