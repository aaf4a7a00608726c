package dev.berth.registry;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import java.util.Optional;

/** Tag listing. */
public interface TagStore {

  /**
   * The manifest a tag names now, if the tag exists: the access seam asks it to tell creating a
   * tag from moving one.
   */
  Optional<Digest> resolve(RepositoryName repository, Tag tag);

  /**
   * Tags of a repository in lexical order, strictly after {@code last} (null for the start), at most
   * {@code limit}.
   *
   * @throws RegistryException {@code NAME_UNKNOWN}
   */
  Page list(RepositoryName repository, String last, int limit);
}
