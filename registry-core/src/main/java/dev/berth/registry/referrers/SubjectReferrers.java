package dev.berth.registry.referrers;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import java.util.ArrayList;
import java.util.HashMap;
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

  /**
   * One copy of each media type, artifact type and annotation key: loaded from storage, every
   * entry would otherwise hold its own copies (about 300 of its 800 bytes).
   */
  private final Map<String, String> strings = new HashMap<>();

  synchronized void put(Descriptor loaded) {
    Descriptor referrer = shared(loaded);
    Descriptor previous = all.put(referrer.digest(), referrer);
    if (previous != null) {
      typeMap(previous).remove(previous.digest());
      bytes -= bytes(previous);
    }
    typeMap(referrer).put(referrer.digest(), referrer);
    bytes += bytes(referrer);
  }

  private Descriptor shared(Descriptor d) {
    Map<String, String> annotations = d.annotations();
    if (!annotations.isEmpty()) {
      Map<String, String> keys = new HashMap<>(annotations.size() * 2);
      annotations.forEach((k, v) -> keys.put(string(k), v));
      annotations = keys;
    }
    return new Descriptor(string(d.mediaType()), d.digest(), d.size(),
        d.artifactType() == null ? null : string(d.artifactType()), annotations);
  }

  private String string(String s) {
    // Bounded by what the referrers of one subject use: a handful of types and keys; values
    // (timestamps, titles) are not shared.
    return strings.size() < 1024 ? strings.computeIfAbsent(s, k -> k) : s;
  }

  /** The heap the entries hold, roughly; at most {@code Integer.MAX_VALUE}. */
  synchronized int bytes() {
    return (int) Math.min(bytes, Integer.MAX_VALUE);
  }

  /**
   * One entry, as measured with 100,000 referrers read from a snapshot: the descriptor, its digest
   * and size (about 200 bytes), a node in each of two skip lists (about 100), and per annotation
   * its value and map slot (the strings shared between entries are not counted).
   */
  private static long bytes(Descriptor d) {
    long total = 300;
    for (Map.Entry<String, String> a : d.annotations().entrySet()) {
      total += 60 + a.getValue().length();
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
