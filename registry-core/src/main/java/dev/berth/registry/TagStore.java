package dev.berth.registry;


import dev.berth.registry.oci.RepositoryName;
/** Tag listing. */
public interface TagStore {

  /**
   * Tags of a repository in lexical order, strictly after {@code last} (null for the start), at most
   * {@code limit}.
   *
   * @throws RegistryException {@code NAME_UNKNOWN}
   */
  Page list(RepositoryName repository, String last, int limit);
}
