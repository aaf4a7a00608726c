package dev.berth.registry.internal;

import dev.berth.registry.ErrorCode;
import dev.berth.registry.Page;
import dev.berth.registry.RegistryException;
import dev.berth.registry.RepositoryName;
import dev.berth.registry.TagStore;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StoragePaths;
import java.util.List;
import java.util.Optional;

/** Tags are the folder names under {@code _manifests/tags}; a page lists only that folder. */
public final class DefaultTagStore implements TagStore {
  private final Storage storage;
  private final Repositories repositories;

  public DefaultTagStore(Storage storage, Repositories repositories) {
    this.storage = storage;
    this.repositories = repositories;
  }

  @Override
  public Page list(RepositoryName repository, String last, int limit) {
    if (limit == 0) {
      requireRepository(repository);
      return new Page(List.of(), Optional.empty());
    }
    int ask = limit == Integer.MAX_VALUE ? limit : limit + 1;
    List<String> names = storage.list(StoragePaths.tagsDirectory(repository), last, ask);
    if (names.isEmpty()) {
      requireRepository(repository);
    }
    if (names.size() > limit) {
      List<String> page = names.subList(0, limit);
      return new Page(page, Optional.of(page.get(page.size() - 1)));
    }
    return new Page(names, Optional.empty());
  }

  private void requireRepository(RepositoryName repository) {
    if (!repositories.exists(repository)) {
      throw new RegistryException(ErrorCode.NAME_UNKNOWN,
          "repository " + repository + " is not known to this registry");
    }
  }
}
