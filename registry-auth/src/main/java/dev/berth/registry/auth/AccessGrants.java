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

  /** Actions by resource type, then name: asked on every request, so no key is built. */
  private final Map<String, Map<String, Set<String>>> actions;

  private AccessGrants(Map<String, Map<String, Set<String>>> actions) {
    this.actions = actions;
  }

  public static AccessGrants none() {
    return NONE;
  }

  /** The grants of these scopes (classes ignored, as distribution does). */
  public static AccessGrants of(Collection<Scope> scopes) {
    Map<String, Map<String, Set<String>>> map = new HashMap<>();
    for (Scope s : scopes) {
      map.computeIfAbsent(s.type(), k -> new HashMap<>())
          .computeIfAbsent(s.name(), k -> new HashSet<>()).addAll(s.actions());
    }
    Map<String, Map<String, Set<String>>> frozen = new HashMap<>();
    map.forEach((type, byName) -> {
      Map<String, Set<String>> names = new HashMap<>();
      byName.forEach((name, granted) -> names.put(name, Set.copyOf(granted)));
      frozen.put(type, Map.copyOf(names));
    });
    return new AccessGrants(Map.copyOf(frozen));
  }

  /** Whether {@code action} on the resource is granted, directly or through {@code *}. */
  public boolean allows(String type, String name, String action) {
    Map<String, Set<String>> byName = actions.get(type);
    Set<String> granted = byName == null ? null : byName.get(name);
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

  @Override
  public String toString() {
    return "AccessGrants" + actions;
  }
}
