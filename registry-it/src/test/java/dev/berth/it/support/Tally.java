package dev.berth.it.support;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Counts by kind, for the summary a long randomized test prints. Thread-safe. */
public final class Tally {

  private final Map<String, Long> counts = new TreeMap<>();

  public synchronized void add(String kind) {
    add(kind, 1);
  }

  public synchronized void add(String kind, long n) {
    counts.merge(kind, n, Long::sum);
  }

  public synchronized void addAll(Tally other) {
    other.snapshot().forEach(this::add);
  }

  public synchronized long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  public synchronized Map<String, Long> snapshot() {
    return new TreeMap<>(counts);
  }

  /** One {@code kind: n} line per kind, indented. */
  @Override
  public synchronized String toString() {
    return counts.entrySet().stream()
        .map(e -> String.format("    %-46s %6d", e.getKey(), e.getValue()))
        .collect(Collectors.joining("\n"));
  }
}
