package dev.berth.registry;

import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each tag of a covered repository was last pulled, for eviction of the least recently
 * pulled. A pull costs a map update in memory, never a storage write; {@link #flush} writes the
 * repositories pulled since the last flush, one small unflushed object each
 * ({@link StoragePaths#proxyPulled}), merged with what is there (the later time wins, so
 * instances sharing a storage add up; a lost write makes a tag look older than it is, so it may
 * go early and is fetched again).
 */
final class PullTimes {
  private final Storage storage;
  private final Map<RepositoryName, Map<String, Instant>> pending = new ConcurrentHashMap<>();

  PullTimes(Storage storage) {
    this.storage = storage;
  }

  void pulled(RepositoryName repository, String tag, Instant at) {
    pending.computeIfAbsent(repository, r -> new ConcurrentHashMap<>()).merge(tag, at,
        (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Writes every repository pulled since the last flush: one storage write each. */
  void flush() {
    for (RepositoryName repository : pending.keySet()) {
      Map<String, Instant> batch = pending.remove(repository);
      if (batch == null) {
        continue;
      }
      Map<String, Instant> all = stored(repository);
      batch.forEach((tag, at) -> all.merge(tag, at, (a, b) -> a.isAfter(b) ? a : b));
      write(repository, all);
    }
  }

  /** The repository's last pull times as stored (after a {@link #flush}, every one known). */
  Map<String, Instant> stored(RepositoryName repository) {
    Map<String, Instant> times = new HashMap<>();
    String text;
    try {
      text = new String(storage.read(StoragePaths.proxyPulled(repository)),
          StandardCharsets.UTF_8);
    } catch (ObjectNotFoundException e) {
      return times;
    }
    for (String line : text.split("\n")) {
      int space = line.indexOf(' ');
      try {
        if (space > 0) {
          times.put(line.substring(0, space), Instant.parse(line.substring(space + 1)));
        }
      } catch (DateTimeException torn) {
        // Derived data cut by a crash: the tag counts from its fetch time instead.
      }
    }
    return times;
  }

  /** Drops an evicted tag's time, so that a later fetch of it starts afresh. */
  void forget(RepositoryName repository, Iterable<String> tags) {
    Map<String, Instant> all = stored(repository);
    boolean changed = false;
    for (String tag : tags) {
      changed |= all.remove(tag) != null;
    }
    if (changed) {
      write(repository, all);
    }
  }

  private void write(RepositoryName repository, Map<String, Instant> all) {
    StringBuilder text = new StringBuilder();
    all.forEach((tag, at) -> text.append(tag).append(' ').append(at).append('\n'));
    storage.write(StoragePaths.proxyPulled(repository),
        text.toString().getBytes(StandardCharsets.UTF_8), false);
  }
}
