package dev.berth.it.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What one key (a blob, a manifest, a tag) may hold after a crash: the value its last acknowledged
 * write gave it, plus the value every later write of unknown outcome (failed, or cut by the kill)
 * would have given it. An observed value outside this set is a lost or resurrected write. The
 * writes since the key was last observed are kept, so that a failure names them.
 *
 * <p>Keys are owned by one workload thread, so the writes to a key form one sequence and "later"
 * is well defined; the class is not thread-safe.
 */
public final class Outcome<T> {

  private final Set<T> possible = new LinkedHashSet<>();
  private final List<String> writes = new ArrayList<>();

  private Outcome() {}

  /** A key no write has touched yet. */
  public static <T> Outcome<T> initially(T value) {
    Outcome<T> o = new Outcome<>();
    o.possible.add(value);
    return o;
  }

  /** A write answered 2xx: whatever came before, the key now holds its effect. */
  public void acknowledged(T value, String write) {
    acknowledged(old -> value, write);
  }

  /** A write answered 2xx whose effect depends on the value it found (a delete by digest). */
  public void acknowledged(UnaryOperator<T> effect, String write) {
    Set<T> next = apply(effect);
    possible.clear();
    possible.addAll(next);
    writes.add("acknowledged: " + write);
  }

  /** A write of unknown outcome: the key holds what it held, or the write's effect. */
  public void unknown(T value, String write) {
    unknown(old -> value, write);
  }

  public void unknown(UnaryOperator<T> effect, String write) {
    possible.addAll(apply(effect));
    writes.add("outcome unknown: " + write);
  }

  /** After a check: the key holds one of {@code values}, as seen by the restarted registry. */
  public void observed(Collection<T> values, String when) {
    possible.clear();
    possible.addAll(values);
    writes.clear();
    writes.add("observed " + values + " " + when);
  }

  public boolean allows(T value) {
    return possible.contains(value);
  }

  /** Whether the key certainly holds {@code value}: the only choice a workload builds on. */
  public boolean is(T value) {
    return possible.size() == 1 && possible.contains(value);
  }

  public Set<T> possible() {
    return Set.copyOf(possible);
  }

  /** The writes since the last observation, oldest first. */
  public List<String> writes() {
    return List.copyOf(writes);
  }

  /** For a failure message: what was allowed and which writes made it so. */
  public String describe() {
    return "allowed " + possible + "; writes since the last check:\n      "
        + String.join("\n      ", writes);
  }

  private Set<T> apply(UnaryOperator<T> effect) {
    Set<T> next = new LinkedHashSet<>();
    for (T old : possible) {
      next.add(effect.apply(old));
    }
    return next;
  }
}
