package dev.berth.registry;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.layout.StoragePaths;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Tags are the folder names under {@code _manifests/tags}. A repository's sorted names are cached
 * with the repository's tags generation ({@link StoragePaths#tagsGeneration}), which every tag
 * change rewrites after changing the tag; a page then costs one small read and a binary search,
 * instead of listing and sorting the whole folder. A repository without a generation yet (written
 * by registry:2) gets one at its first listing, before the folder is read.
 */
final class DefaultTagStore implements TagStore {

  private record Listing(byte[] generation, String[] sorted) {}

  private final Storage storage;
  private final Repositories repositories;
  private final Cache<RepositoryName, Listing> listings = CacheBuilder.newBuilder()
      .concurrencyLevel(1)
      .maximumWeight(5_000_000).<RepositoryName, Listing>weigher((r, l) -> 1 + l.sorted.length)
      .build();

  DefaultTagStore(Storage storage, Repositories repositories) {
    this.storage = storage;
    this.repositories = repositories;
  }

  /** Records that a repository's tags changed: call after the change is in storage. */
  public void changed(RepositoryName repository) {
    storage.write(StoragePaths.tagsGeneration(repository),
        UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    listings.invalidate(repository);
  }

  @Override
  public Page list(RepositoryName repository, String last, int limit) {
    if (limit == 0) {
      requireRepository(repository);
      return new Page(List.of(), Optional.empty());
    }
    String[] sorted = sortedTags(repository);
    if (sorted.length == 0) {
      requireRepository(repository);
    }
    int from = 0;
    if (last != null) {
      int at = Arrays.binarySearch(sorted, last);
      from = at >= 0 ? at + 1 : -at - 1;
    }
    int to = (int) Math.min((long) from + limit, sorted.length);
    List<String> page = Arrays.asList(sorted).subList(from, to);
    return new Page(page, to < sorted.length && !page.isEmpty()
        ? Optional.of(page.get(page.size() - 1)) : Optional.empty());
  }

  private String[] sortedTags(RepositoryName repository) {
    byte[] generation;
    try {
      generation = storage.read(StoragePaths.tagsGeneration(repository));
    } catch (ObjectNotFoundException e) {
      // A repository registry:2 wrote: start its generation before listing, so that the listing
      // is at least as new as the generation it is cached under. writeIfAbsent: a generation
      // another instance wrote meanwhile (after changing a tag) is kept.
      if (!repositories.exists(repository)) {
        return new String[0];
      }
      storage.writeIfAbsent(StoragePaths.tagsGeneration(repository),
          UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
      return sortedTags(repository);
    }
    Listing cached = listings.getIfPresent(repository);
    if (cached != null && Arrays.equals(cached.generation, generation)) {
      return cached.sorted;
    }
    String[] sorted = list(repository);
    listings.put(repository, new Listing(generation, sorted));
    return sorted;
  }

  private String[] list(RepositoryName repository) {
    return storage.list(StoragePaths.tagsDirectory(repository)).toArray(String[]::new);
  }

  private void requireRepository(RepositoryName repository) {
    if (!repositories.exists(repository)) {
      throw new RegistryException(ErrorCode.NAME_UNKNOWN,
          "repository " + repository + " is not known to this registry");
    }
  }
}
