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

  /** The heap the entries take, roughly (for the byte-bounded cache of loaded subjects). */
  private long bytes;

  synchronized void put(Descriptor referrer) {
    Descriptor previous = all.put(referrer.digest(), referrer);
    if (previous != null) {
      typeMap(previous).remove(previous.digest());
      bytes -= bytes(previous);
    }
    typeMap(referrer).put(referrer.digest(), referrer);
    bytes += bytes(referrer);
  }

  /** The heap the entries hold, roughly; at most {@code Integer.MAX_VALUE}. */
  synchronized int bytes() {
    return (int) Math.min(bytes, Integer.MAX_VALUE);
  }

  /**
   * One entry: the descriptor and its digest (about 200 bytes), a node in each of two skip lists
   * (about 80), and its strings at one byte a character (plus their headers).
   */
  private static long bytes(Descriptor d) {
    long total = 280 + d.mediaType().length()
        + (d.artifactType() == null ? 0 : 40 + d.artifactType().length());
    for (Map.Entry<String, String> a : d.annotations().entrySet()) {
      total += 100 + a.getKey().length() + a.getValue().length();
    }
    return total;
  }

  synchronized boolean remove(Digest referrer) {
    Descriptor previous = all.remove(referrer);
    if (previous == null) {
      return false;
    }
    bytes -= bytes(previous);
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
