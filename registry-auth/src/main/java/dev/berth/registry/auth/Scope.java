package dev.berth.registry.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One token scope, {@code type[(class)]:name:action[,action...]}, e.g.
 * {@code repository:library/app:pull,push} or {@code registry:catalog:*}.
 *
 * <p>Grammar as distribution's token server reads it: the string splits at its first two colons
 * (so a name cannot hold one), the type is {@code [a-z0-9]+} with an optional
 * {@code ([a-z0-9]+)} class that Docker sent for plugins ({@code repository(plugin):a/b:pull}) and
 * that grants ignore; actions are comma-separated. A scope that does not fit is ignored by the
 * token server rather than failing the request, so {@link #parse} returns empty for it.
 *
 * @param type the resource type, {@code repository} or {@code registry}
 * @param resourceClass the class in parentheses, empty when absent
 * @param name the resource name: a repository name, or {@code catalog}
 * @param actions the actions in the order given, without duplicates
 */
public record Scope(String type, String resourceClass, String name, List<String> actions) {

  public static final String REPOSITORY = "repository";
  public static final String REGISTRY = "registry";
  public static final String CATALOG = "catalog";
  public static final String ALL_ACTIONS = "*";

  private static final Pattern TYPE = Pattern.compile("([a-z0-9]+)(?:\\(([a-z0-9]+)\\))?");
  private static final Pattern ACTION = Pattern.compile("[A-Za-z0-9*_.-]+");
  private static final Pattern NAME = Pattern.compile("[^\\s:,\"\\\\]+");

  public Scope {
    if (!TYPE.matcher(type).matches() || !resourceClass.matches("[a-z0-9]*")
        || !NAME.matcher(name).matches() || actions.isEmpty()
        || !actions.stream().allMatch(a -> ACTION.matcher(a).matches())) {
      throw new IllegalArgumentException("not a token scope: " + type + ":" + name + ":" + actions);
    }
    actions = List.copyOf(new LinkedHashSet<>(actions));
  }

  /** {@code repository:<name>:<actions>}. */
  public static Scope repository(String name, String... actions) {
    return new Scope(REPOSITORY, "", name, List.of(actions));
  }

  /** {@code registry:catalog:*}, what distribution asks for on {@code GET /v2/_catalog}. */
  public static Scope catalog() {
    return new Scope(REGISTRY, "", CATALOG, List.of(ALL_ACTIONS));
  }

  /** Parses one scope; empty when it does not fit the grammar. */
  public static Optional<Scope> parse(String text) {
    String[] parts = text.split(":", 3);
    if (parts.length != 3) {
      return Optional.empty();
    }
    Matcher type = TYPE.matcher(parts[0]);
    if (!type.matches()) {
      return Optional.empty();
    }
    List<String> actions = new ArrayList<>();
    for (String action : parts[2].split(",")) {
      if (!action.isEmpty()) {
        actions.add(action);
      }
    }
    String resourceClass = type.group(2) == null ? "" : type.group(2);
    try {
      return Optional.of(new Scope(type.group(1), resourceClass, parts[1], actions));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses scope parameters: each value may hold several scopes separated by spaces (the OAuth2
   * form and the challenge's {@code scope} use one space-separated value; Docker's GET repeats
   * the parameter). Invalid scopes are dropped; scopes on the same resource are merged.
   */
  public static List<Scope> parseAll(Collection<String> values) {
    List<Scope> scopes = new ArrayList<>();
    for (String value : values) {
      for (String part : value.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          parse(part).ifPresent(scopes::add);
        }
      }
    }
    return merge(scopes);
  }

  /**
   * Merges scopes naming the same type and name (classes aside, as distribution's grants key on
   * type and name only), keeping first-seen order.
   */
  public static List<Scope> merge(Collection<Scope> scopes) {
    Map<String, Scope> merged = new LinkedHashMap<>();
    for (Scope s : scopes) {
      merged.merge(s.type + ":" + s.name, s, (a, b) -> {
        List<String> actions = new ArrayList<>(a.actions);
        actions.addAll(b.actions);
        return new Scope(a.type, a.resourceClass, a.name, actions);
      });
    }
    return List.copyOf(merged.values());
  }

  /** Joins scopes with spaces, the form of a challenge's or an OAuth2 answer's {@code scope}. */
  public static String join(Collection<Scope> scopes) {
    StringBuilder out = new StringBuilder();
    for (Scope s : scopes) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(s);
    }
    return out.toString();
  }

  /** Whether this is a scope on a repository. */
  public boolean isRepository() {
    return REPOSITORY.equals(type);
  }

  /** Whether this is the catalog scope {@code registry:catalog:...}. */
  public boolean isCatalog() {
    return REGISTRY.equals(type) && CATALOG.equals(name);
  }

  /** The same resource with other actions. */
  public Scope withActions(List<String> newActions) {
    return new Scope(type, resourceClass, name, newActions);
  }

  @Override
  public String toString() {
    String t = resourceClass.isEmpty() ? type : type + "(" + resourceClass + ")";
    return t + ":" + name + ":" + String.join(",", actions);
  }
}
