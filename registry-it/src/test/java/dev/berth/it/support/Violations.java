package dev.berth.it.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Invariant violations a randomized run found, each once: a broken state that outlives the round
 * it appeared in (a tag whose manifest is gone stays listed) is reported for the round that first
 * saw it. Thread-safe.
 */
public final class Violations {

  /**
   * One violation.
   *
   * @param round the kill/restart round (0: before any kill)
   * @param kind what broke, e.g. "listed tag does not resolve"
   * @param key the object it broke on, e.g. "crash/alpha:t1-3"
   * @param detail what was seen, and the writes that led there
   */
  public record Violation(int round, String kind, String key, String detail) {
    @Override
    public String toString() {
      return "round " + round + ": " + kind + ": " + key + "\n    " + detail;
    }
  }

  private final Map<String, Violation> seen = new LinkedHashMap<>();

  public synchronized void add(int round, String kind, String key, String detail) {
    seen.putIfAbsent(kind + " " + key, new Violation(round, kind, key, detail));
  }

  public synchronized List<Violation> all() {
    return new ArrayList<>(seen.values());
  }

  public synchronized boolean isEmpty() {
    return seen.isEmpty();
  }

  /** How many of each kind, and the round each kind was first seen in. */
  public synchronized String summary() {
    Map<String, int[]> kinds = new LinkedHashMap<>();
    for (Violation v : seen.values()) {
      int[] k = kinds.computeIfAbsent(v.kind(), x -> new int[] {0, v.round()});
      k[0]++;
    }
    StringBuilder out = new StringBuilder();
    kinds.forEach((kind, k) -> out.append(String.format("    %-50s %4d (first in round %d)%n",
        kind, k[0], k[1])));
    return out.toString();
  }

  /** Every violation in full, at most {@code max} per kind. */
  public synchronized String report(int max) {
    Map<String, Integer> shown = new LinkedHashMap<>();
    StringBuilder out = new StringBuilder();
    for (Violation v : seen.values()) {
      int n = shown.merge(v.kind(), 1, Integer::sum);
      if (n <= max) {
        out.append(v).append('\n');
      } else if (n == max + 1) {
        out.append("round ").append(v.round()).append(": ").append(v.kind())
            .append(": (more of this kind not shown)\n");
      }
    }
    return out.toString();
  }
}
