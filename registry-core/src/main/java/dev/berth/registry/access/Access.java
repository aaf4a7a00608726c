package dev.berth.registry.access;

import dev.berth.registry.oci.RepositoryName;
import java.util.Objects;
import java.util.Optional;

/**
 * One access record: an action on a repository, or the registry-wide {@link Action#CATALOG}
 * (which names no repository).
 *
 * @param repository the repository; empty exactly for {@link Action#CATALOG}
 * @param action what is to be done
 */
public record Access(Optional<RepositoryName> repository, Action action) {

  public Access {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(action, "action");
    if (repository.isEmpty() != (action == Action.CATALOG)) {
      throw new IllegalArgumentException(action == Action.CATALOG
          ? "the catalog names no repository" : action + " needs a repository");
    }
  }

  public static Access pull(RepositoryName repository) {
    return new Access(Optional.of(repository), Action.PULL);
  }

  public static Access push(RepositoryName repository) {
    return new Access(Optional.of(repository), Action.PUSH);
  }

  public static Access moveTag(RepositoryName repository) {
    return new Access(Optional.of(repository), Action.MOVE_TAG);
  }

  public static Access delete(RepositoryName repository) {
    return new Access(Optional.of(repository), Action.DELETE);
  }

  public static Access catalog() {
    return new Access(Optional.empty(), Action.CATALOG);
  }

  @Override
  public String toString() {
    return repository.map(r -> r.value() + " ").orElse("") + action;
  }
}
