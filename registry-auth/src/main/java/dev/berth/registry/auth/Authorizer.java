package dev.berth.registry.auth;

import dev.berth.registry.oci.RepositoryName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Answers "may this identity do this on that repository". Implementations: the zot-style
 * {@link dev.berth.registry.auth.policy.AccessPolicy} and
 * {@link dev.berth.registry.auth.token.TokenGrantAuthorizer} (what a verified token says).
 */
public interface Authorizer {

  /** Whether {@code who} holds {@code permission} on {@code repository}. */
  boolean allows(Identity who, RepositoryName repository, Permission permission);

  /** Whether {@code who} may list the catalog (the page is then {@link #readable filtered}). */
  boolean allowsCatalog(Identity who);

  /** The repositories of a catalog page that {@code who} may read, in their order. */
  default List<RepositoryName> readable(Identity who, List<RepositoryName> page) {
    List<RepositoryName> out = new ArrayList<>(page.size());
    for (RepositoryName name : page) {
      if (allows(who, name, Permission.READ)) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * The part of {@code requested} that {@code who} holds, for a token: per scope, the actions
   * granted; scopes with none left out, as the token specification asks (a partial grant is not
   * an error). {@code *} on a repository becomes every action held; unknown resource types and
   * repository names that are not valid get nothing.
   */
  default List<Scope> grant(Identity who, List<Scope> requested) {
    List<Scope> granted = new ArrayList<>();
    for (Scope scope : Scope.merge(requested)) {
      List<String> actions = new ArrayList<>();
      if (scope.isCatalog()) {
        if (scope.actions().contains(Scope.ALL_ACTIONS) && allowsCatalog(who)) {
          actions.add(Scope.ALL_ACTIONS);
        }
      } else if (scope.isRepository() && RepositoryName.isValid(scope.name())) {
        RepositoryName repo = RepositoryName.parse(scope.name());
        for (String action : scope.actions()) {
          if (action.equals(Scope.ALL_ACTIONS)) {
            for (String each : List.of("pull", "push", "delete")) {
              if (holds(who, repo, Permission.forScopeAction(each))) {
                actions.add(each);
              }
            }
          } else {
            Set<Permission> needed = Permission.forScopeAction(action);
            if (!needed.isEmpty() && holds(who, repo, needed)) {
              actions.add(action);
            }
          }
        }
      }
      if (!actions.isEmpty()) {
        granted.add(scope.withActions(actions));
      }
    }
    return Scope.merge(granted);
  }

  private boolean holds(Identity who, RepositoryName repo, Set<Permission> needed) {
    return needed.stream().allMatch(p -> allows(who, repo, p));
  }

  /**
   * Both must allow: for a registry that verifies tokens from its own token server and also
   * evaluates the policy per request (to tell {@code update} from {@code create}).
   */
  static Authorizer allOf(Authorizer first, Authorizer second) {
    return new Authorizer() {
      @Override
      public boolean allows(Identity who, RepositoryName repository, Permission permission) {
        return first.allows(who, repository, permission)
            && second.allows(who, repository, permission);
      }

      @Override
      public boolean allowsCatalog(Identity who) {
        return first.allowsCatalog(who) && second.allowsCatalog(who);
      }
    };
  }
}
