package dev.berth.registry;

import dev.berth.registry.upstream.ProxyStats;
import dev.berth.registry.upstream.ProxyStats.Kind;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pull-through cache's counters, per kind of content; {@link #snapshot()} is what
 * {@link Registry} shows. Each event also marks the request on this thread
 * ({@link CacheOutcome}), for the access log.
 */
final class ProxyCounters {
  private final Map<Kind, LongAdder[]> kinds = new EnumMap<>(Kind.class);
  private final LongAdder revalidations = new LongAdder();
  private final LongAdder unavailable = new LongAdder();

  ProxyCounters() {
    for (Kind kind : Kind.values()) {
      kinds.put(kind, new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
    }
  }

  /** A read of {@code kind} answered from storage. */
  void hit(Kind kind) {
    kinds.get(kind)[0].increment();
    CacheOutcome.mark(CacheOutcome.HIT);
  }

  /** A read of {@code kind} that asks the upstream for it (counted once the upstream has it). */
  void miss(Kind kind) {
    kinds.get(kind)[1].increment();
    CacheOutcome.mark(CacheOutcome.MISS);
  }

  /** {@code bytes} of {@code kind} read from the upstream. */
  void fetched(Kind kind, long bytes) {
    kinds.get(kind)[2].add(bytes);
  }

  /** A cached tag older than its TTL was checked upstream (and found where it was, or moved). */
  void revalidated() {
    revalidations.increment();
    CacheOutcome.mark(CacheOutcome.REVALIDATED);
  }

  /** The upstream could not answer; {@code servedCached}: what was cached is answered. */
  void unavailable(boolean servedCached) {
    unavailable.increment();
    CacheOutcome.mark(servedCached ? CacheOutcome.STALE : CacheOutcome.MISS);
  }

  ProxyStats snapshot() {
    Map<Kind, ProxyStats.Counts> byKind = new EnumMap<>(Kind.class);
    long hits = 0;
    long misses = 0;
    long bytes = 0;
    for (Map.Entry<Kind, LongAdder[]> e : kinds.entrySet()) {
      ProxyStats.Counts c = new ProxyStats.Counts(e.getValue()[0].sum(), e.getValue()[1].sum(),
          e.getValue()[2].sum());
      byKind.put(e.getKey(), c);
      hits += c.hits();
      misses += c.misses();
      bytes += c.bytesFetched();
    }
    return new ProxyStats(hits, misses, revalidations.sum(), bytes, unavailable.sum(), byKind);
  }
}
