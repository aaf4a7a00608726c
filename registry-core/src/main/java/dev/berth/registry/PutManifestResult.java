package dev.berth.registry;

import java.util.Optional;
import dev.berth.registry.oci.Digest;

/**
 * The outcome of a manifest PUT.
 *
 * @param digest the manifest's digest
 * @param subject the subject it refers to, which the response names in {@code OCI-Subject}
 */
public record PutManifestResult(Digest digest, Optional<Digest> subject) {}
