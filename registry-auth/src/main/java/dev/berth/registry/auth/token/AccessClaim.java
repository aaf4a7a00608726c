package dev.berth.registry.auth.token;

import dev.berth.registry.auth.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The private {@code access} claim of distribution's tokens:
 * {@code [{"type":"repository","name":"a/b","actions":["pull","push"]}, ...]}, with an optional
 * {@code class}. Absent or {@code null} grants nothing. A claim of the wrong JSON shape makes the
 * token invalid; an entry whose strings fit no scope (an empty action list, a colon in a name) is
 * dropped, since it could grant nothing anyway.
 */
final class AccessClaim {

  private AccessClaim() {}

  static List<Scope> parse(Object claim) throws InvalidTokenException {
    if (claim == null) {
      return List.of();
    }
    if (!(claim instanceof List<?> entries)) {
      throw new InvalidTokenException("the access claim is not a list");
    }
    List<Scope> scopes = new ArrayList<>();
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> map)) {
        throw new InvalidTokenException("an access claim entry is not an object");
      }
      String type = string(map, "type");
      String name = string(map, "name");
      String resourceClass = map.containsKey("class") ? string(map, "class") : "";
      Object actions = map.get("actions");
      if (actions != null && !(actions instanceof List<?>)) {
        throw new InvalidTokenException("an access claim entry's actions are not a list");
      }
      List<String> list = new ArrayList<>();
      for (Object action : actions == null ? List.of() : (List<?>) actions) {
        if (!(action instanceof String s)) {
          throw new InvalidTokenException("an access claim action is not a string");
        }
        list.add(s);
      }
      fit(type, resourceClass, name, list).ifPresent(scopes::add);
    }
    return scopes;
  }

  private static Optional<Scope> fit(String type, String resourceClass, String name,
      List<String> actions) {
    try {
      return Optional.of(new Scope(type, resourceClass, name, actions));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String string(Map<?, ?> map, String key) throws InvalidTokenException {
    Object value = map.get(key);
    if (value == null) {
      return "";
    }
    if (!(value instanceof String s)) {
      throw new InvalidTokenException("an access claim entry's " + key + " is not a string");
    }
    return s;
  }
}
