package dev.berth.registry;

import dev.berth.registry.upstream.ProxyStats;
import java.util.concurrent.atomic.LongAdder;

/** The pull-through cache's counters; {@link #snapshot()} is what {@link Registry} shows. */
final class ProxyCounters {
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder revalidations = new LongAdder();
  final LongAdder bytesFetched = new LongAdder();
  final LongAdder unavailable = new LongAdder();

  ProxyStats snapshot() {
    return new ProxyStats(hits.sum(), misses.sum(), revalidations.sum(), bytesFetched.sum(),
        unavailable.sum());
  }
}
