package dev.berth.registry.auth;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a token grants: actions per (type, name), as distribution's access set. Names match
 * exactly: a grant on {@code a/b} says nothing about {@code a/b/c} or {@code A/B}. The action
 * {@code *} in a grant stands for every action, and distribution asks for the catalog with the
 * action {@code *} itself ({@code registry:catalog:*}).
 */
public final class AccessGrants {

  private static final AccessGrants NONE = new AccessGrants(Map.of());

  private final Map<String, Set<String>> actions;

  private AccessGrants(Map<String, Set<String>> actions) {
    this.actions = actions;
  }

  public static AccessGrants none() {
    return NONE;
  }

  /** The grants of these scopes (classes ignored, as distribution does). */
  public static AccessGrants of(Collection<Scope> scopes) {
    Map<String, Set<String>> map = new HashMap<>();
    for (Scope s : scopes) {
      map.computeIfAbsent(key(s.type(), s.name()), k -> new HashSet<>()).addAll(s.actions());
    }
    map.replaceAll((k, v) -> Set.copyOf(v));
    return new AccessGrants(Map.copyOf(map));
  }

  /** Whether {@code action} on the resource is granted, directly or through {@code *}. */
  public boolean allows(String type, String name, String action) {
    Set<String> granted = actions.get(key(type, name));
    return granted != null && (granted.contains(Scope.ALL_ACTIONS) || granted.contains(action));
  }

  /** Whether every action of {@code scope} is granted. */
  public boolean covers(Scope scope) {
    return scope.actions().stream().allMatch(a -> allows(scope.type(), scope.name(), a));
  }

  /** The scopes of {@code needed} that are not fully granted. */
  public List<Scope> missing(Collection<Scope> needed) {
    return needed.stream().filter(s -> !covers(s)).toList();
  }

  public boolean isEmpty() {
    return actions.isEmpty();
  }

  private static String key(String type, String name) {
    return type + '\u0000' + name;
  }

  @Override
  public String toString() {
    return "AccessGrants" + actions;
  }
}
