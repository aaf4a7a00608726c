package dev.berth.registry;

import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.layout.StoragePaths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Lists repositories in lexical order by walking {@code repositories/}, touching only the folders
 * near the requested page.
 *
 * <p>Names nest, and a depth-first walk does not give lexical order ({@code a-b} sorts between
 * {@code a} and {@code a/c}). So the walk keeps a priority queue of folders keyed by their path:
 * every name found under a folder is at least its path, so popping the smallest path first yields
 * names in order. Subtrees that lie wholly before {@code last} are never opened.
 */
final class RepositoryCatalog {
  private final Storage storage;

  RepositoryCatalog(Storage storage) {
    this.storage = storage;
  }

  /** Repositories strictly after {@code last} (null for the start), at most {@code limit}. */
  public Page list(String last, int limit) {
    return list(last, limit, name -> true);
  }

  /**
   * Repositories strictly after {@code last} that {@code include} accepts, at most {@code limit}.
   * A page is full before the next one is announced: {@code next} is set only when one more
   * accepted repository exists, so a filtered listing never ends in an empty page.
   */
  public Page list(String last, int limit, Predicate<RepositoryName> include) {
    List<String> names = new ArrayList<>();
    if (limit <= 0) {
      return new Page(names, Optional.empty());
    }
    boolean[] more = {false};
    walk(last, false, name -> {
      if (!include.test(RepositoryName.parse(name))) {
        return true;
      }
      if (names.size() < limit) {
        names.add(name);
        return true;
      }
      more[0] = true;
      return false;
    });
    return new Page(names, more[0] ? Optional.of(names.get(names.size() - 1)) : Optional.empty());
  }

  /** Visits every repository (a folder with {@code _manifests}) in lexical order. */
  public void forEach(Consumer<RepositoryName> visitor) {
    walk(null, false, name -> {
      visitor.accept(RepositoryName.parse(name));
      return true;
    });
  }

  /**
   * Visits every repository folder in lexical order, including those that hold only blobs or
   * uploads ({@code _layers}, {@code _uploads}) and no manifest yet.
   */
  public void forEachFolder(Consumer<RepositoryName> visitor) {
    walk(null, true, name -> {
      visitor.accept(RepositoryName.parse(name));
      return true;
    });
  }

  /** The first repository folder, in lexical order, that {@code test} accepts. */
  public Optional<RepositoryName> findFolder(Predicate<RepositoryName> test) {
    RepositoryName[] found = {null};
    walk(null, true, name -> {
      RepositoryName candidate = RepositoryName.parse(name);
      if (test.test(candidate)) {
        found[0] = candidate;
        return false;
      }
      return true;
    });
    return Optional.ofNullable(found[0]);
  }

  private interface Visitor {
    /** @return whether to go on */
    boolean visit(String name);
  }

  private void walk(String last, boolean anyFolder, Visitor visitor) {
    PriorityQueue<String> pending = new PriorityQueue<>();
    for (String child : storage.list(StoragePaths.REPOSITORIES)) {
      offer(pending, child, last);
    }
    while (!pending.isEmpty()) {
      String path = pending.poll();
      boolean repository = false;
      for (String child : storage.list(StoragePaths.REPOSITORIES + "/" + path)) {
        if (child.startsWith("_")) {
          repository |= anyFolder || child.equals(StoragePaths.MANIFESTS);
        } else {
          offer(pending, path + "/" + child, last);
        }
      }
      if (repository && (last == null || path.compareTo(last) > 0)
          && RepositoryName.isValid(path) && !visitor.visit(path)) {
        return;
      }
    }
  }

  /** Queues a folder unless every name it can hold sorts at or before {@code last}. */
  private static void offer(PriorityQueue<String> pending, String path, String last) {
    if (last != null && path.compareTo(last) < 0 && !last.startsWith(path)) {
      return;
    }
    pending.add(path);
  }
}
