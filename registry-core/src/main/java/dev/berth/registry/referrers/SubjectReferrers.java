package dev.berth.registry.referrers;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The referrers of one subject, sorted by digest, with a second sorted map per artifact type so
 * that a filtered page costs as little as an unfiltered one: O(log n + page) either way.
 */
final class SubjectReferrers {

  private static final String NO_TYPE = "";

  private final ConcurrentSkipListMap<Digest, Descriptor> all = new ConcurrentSkipListMap<>();
  private final Map<String, ConcurrentSkipListMap<Digest, Descriptor>> byType =
      new ConcurrentHashMap<>();

  synchronized void put(Descriptor referrer) {
    Descriptor previous = all.put(referrer.digest(), referrer);
    if (previous != null) {
      typeMap(previous).remove(previous.digest());
    }
    typeMap(referrer).put(referrer.digest(), referrer);
  }

  synchronized boolean remove(Digest referrer) {
    Descriptor previous = all.remove(referrer);
    if (previous == null) {
      return false;
    }
    ConcurrentSkipListMap<Digest, Descriptor> typed = typeMap(previous);
    typed.remove(referrer);
    if (typed.isEmpty()) {
      byType.remove(typeKey(previous));
    }
    return true;
  }

  boolean isEmpty() {
    return all.isEmpty();
  }

  int size() {
    return all.size();
  }

  Iterable<Descriptor> entries() {
    return all.values();
  }

  ReferrersPage page(String artifactType, Digest after, int limit) {
    NavigableMap<Digest, Descriptor> source =
        artifactType == null ? all : byType.getOrDefault(artifactType, new ConcurrentSkipListMap<>());
    NavigableMap<Digest, Descriptor> rest = after == null ? source : source.tailMap(after, false);
    List<Descriptor> page = new ArrayList<>(Math.min(limit, 64));
    Iterator<Descriptor> it = rest.values().iterator();
    while (it.hasNext() && page.size() < limit) {
      page.add(it.next());
    }
    Optional<Digest> next = it.hasNext() && !page.isEmpty()
        ? Optional.of(page.get(page.size() - 1).digest()) : Optional.empty();
    return new ReferrersPage(page, next);
  }

  private ConcurrentSkipListMap<Digest, Descriptor> typeMap(Descriptor d) {
    return byType.computeIfAbsent(typeKey(d), k -> new ConcurrentSkipListMap<>());
  }

  private static String typeKey(Descriptor d) {
    return d.artifactType() == null ? NO_TYPE : d.artifactType();
  }
}
