package dev.berth.registry;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;

/**
 * The fetched-at records of cached tags ({@link StoragePaths#proxyTag}): {@code <digest>\n<time>}.
 * A record is derived data, written unflushed: losing one turns its tag local (never
 * revalidated) until it is fetched again, or a revalidation early. A record that does not parse
 * counts as absent.
 */
final class CachedTags {

  /** A tag fetched from the upstream: what it named and when it was last checked. */
  record Cached(Digest digest, Instant fetchedAt) {}

  private final Storage storage;

  CachedTags(Storage storage) {
    this.storage = storage;
  }

  Optional<Cached> read(RepositoryName repository, Tag tag) {
    try {
      String text = new String(storage.read(StoragePaths.proxyTag(repository, tag)),
          StandardCharsets.UTF_8);
      int newline = text.indexOf('\n');
      if (newline < 0) {
        return Optional.empty();
      }
      Digest digest = Digest.tryParse(text.substring(0, newline));
      Instant at = Instant.parse(text.substring(newline + 1).trim());
      return digest == null ? Optional.empty() : Optional.of(new Cached(digest, at));
    } catch (ObjectNotFoundException | DateTimeException e) {
      return Optional.empty();
    }
  }

  void write(RepositoryName repository, Tag tag, Digest digest, Instant fetchedAt) {
    storage.write(StoragePaths.proxyTag(repository, tag),
        (digest + "\n" + fetchedAt + "\n").getBytes(StandardCharsets.UTF_8), false);
  }

  /** The tag turns local: a push moved it. */
  void forget(RepositoryName repository, Tag tag) {
    storage.delete(StoragePaths.proxyTag(repository, tag));
  }
}
