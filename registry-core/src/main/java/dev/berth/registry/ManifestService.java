package dev.berth.registry;


import dev.berth.registry.oci.Reference;
import dev.berth.registry.oci.RepositoryName;
/** Manifests of a repository, by tag or digest, kept as the exact bytes pushed. */
public interface ManifestService {

  /**
   * Verifies and stores a manifest, moves the tag when the reference is one, and indexes its subject.
   *
   * @param contentType the request's {@code Content-Type}
   */
  PutManifestResult put(RepositoryName repository, Reference reference, String contentType,
      byte[] body);

  /** @throws RegistryException {@code MANIFEST_UNKNOWN} or {@code NAME_UNKNOWN} */
  ManifestContent get(RepositoryName repository, Reference reference);

  /**
   * Deletes a tag (the manifest stays) or a manifest by digest (with every tag on it).
   *
   * @throws RegistryException {@code MANIFEST_UNKNOWN}, or {@code UNSUPPORTED} when deletes are off
   */
  void delete(RepositoryName repository, Reference reference);
}
