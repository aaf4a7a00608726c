package dev.berth.registry.upstream;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The registry a pull-through cache fetches from, seen by the core: content by repository name,
 * with no protocol in sight. The registry asks it only on a miss, and only for repositories it
 * {@link #covers}; what it answers is stored through the same steps as a push
 * (docs/design/proxy.md).
 *
 * <p>Every method answers "not there" with an empty {@code Optional} (or an empty list) and
 * "cannot tell now" (unreachable, refused credentials, a server error) with
 * {@link UpstreamUnavailableException}: a cache keeps serving what it has in the second case and
 * never mistakes it for the first. Implementations are thread-safe.
 */
public interface Upstream {

  /** Whether {@code repository} (a local name) is a cache of this upstream. */
  boolean covers(RepositoryName repository);

  /** How long a tag of {@code repository} is served before it is checked again upstream. */
  Duration tagTtl(RepositoryName repository);

  /** What {@code tag} names upstream now: a {@code HEAD} of the manifest. */
  Optional<Descriptor> resolve(RepositoryName repository, Tag tag);

  /** The manifest's bytes and type; the caller verifies them against {@code digest}. */
  Optional<UpstreamManifest> manifest(RepositoryName repository, Digest digest);

  /** The blob's size, when the upstream has it in {@code repository}: a {@code HEAD}. */
  Optional<Long> blobSize(RepositoryName repository, Digest digest);

  /** Opens the blob from its start; the caller verifies size and digest while storing it. */
  Optional<UpstreamBlob> openBlob(RepositoryName repository, Digest digest);

  /**
   * Every referrer of {@code subject} upstream, as referrers-listing descriptors: the upstream's
   * referrers API, or its {@code <alg>-<hex>} fallback tag index when it has no such API. An
   * unknown subject has none.
   */
  List<Descriptor> referrers(RepositoryName repository, Digest subject);
}
