package dev.berth.registry.auth.seam;

import dev.berth.registry.access.Access;
import dev.berth.registry.access.Action;
import dev.berth.registry.auth.Permission;
import dev.berth.registry.auth.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that maps the registry's access records onto the policy's permissions and the
 * token scopes: {@code PULL} is {@code read} / {@code pull}, {@code PUSH} is {@code create} /
 * {@code push}, {@code MOVE_TAG} is {@code update} / {@code push} (a token cannot tell moving a
 * tag from creating one), {@code DELETE} is {@code delete} / {@code delete}, and the catalog is
 * {@code registry:catalog:*}.
 */
final class AccessVocabulary {

  private AccessVocabulary() {}

  /** The policy permission an access record needs; not for the catalog. */
  static Permission permission(Action action) {
    return switch (action) {
      case PULL -> Permission.READ;
      case PUSH -> Permission.CREATE;
      case MOVE_TAG -> Permission.UPDATE;
      case DELETE -> Permission.DELETE;
      case CATALOG -> throw new IllegalArgumentException("the catalog is no repository permission");
    };
  }

  /** The token scope action of a repository record. */
  static String scopeAction(Action action) {
    return permission(action).scopeAction();
  }

  /**
   * The scopes of a challenge for these records, in the order asked, actions merged per
   * repository: {@code [pull team/app, push team/app, pull base/img]} becomes
   * {@code repository:team/app:pull,push repository:base/img:pull}.
   */
  static List<Scope> scopes(List<Access> records) {
    Map<String, List<String>> actions = new LinkedHashMap<>();
    boolean catalog = false;
    for (Access a : records) {
      if (a.action() == Action.CATALOG) {
        catalog = true;
      } else {
        List<String> list = actions.computeIfAbsent(a.repository().get().value(),
            k -> new ArrayList<>());
        String action = scopeAction(a.action());
        if (!list.contains(action)) {
          list.add(action);
        }
      }
    }
    List<Scope> scopes = new ArrayList<>();
    if (catalog) {
      scopes.add(Scope.catalog());
    }
    actions.forEach((name, list) -> scopes.add(Scope.repository(name,
        list.toArray(String[]::new))));
    return scopes;
  }

  /**
   * The envelope's {@code detail} for a 401, as distribution writes it: the access records the
   * request asked for, {@code [{"Type":"repository","Name":"a/b","Action":"pull"}, ...]}.
   */
  static List<Map<String, String>> detail(List<Scope> scopes) {
    List<Map<String, String>> detail = new ArrayList<>();
    for (Scope s : scopes) {
      for (String action : s.actions()) {
        Map<String, String> record = new LinkedHashMap<>();
        record.put("Type", s.type());
        record.put("Name", s.name());
        record.put("Action", action);
        detail.add(record);
      }
    }
    return detail;
  }
}
