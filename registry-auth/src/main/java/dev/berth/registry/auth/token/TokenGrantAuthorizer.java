package dev.berth.registry.auth.token;

import dev.berth.registry.auth.AccessGrants;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Permission;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.oci.RepositoryName;

/**
 * Authorizes by what a verified token grants, as distribution does with an external token
 * server: the repository name must match a grant exactly; {@code pull} allows reading,
 * {@code push} creating and updating (distribution has no separate update), {@code delete}
 * deleting; the catalog needs {@code registry:catalog:*}. A caller without a token holds nothing.
 */
public final class TokenGrantAuthorizer implements Authorizer {

  private static final TokenGrantAuthorizer INSTANCE = new TokenGrantAuthorizer();

  private TokenGrantAuthorizer() {}

  public static TokenGrantAuthorizer instance() {
    return INSTANCE;
  }

  @Override
  public boolean allows(Identity who, RepositoryName repository, Permission permission) {
    return who.tokenGrants().orElse(AccessGrants.none())
        .allows(Scope.REPOSITORY, repository.value(), permission.scopeAction());
  }

  @Override
  public boolean allowsCatalog(Identity who) {
    return who.tokenGrants().orElse(AccessGrants.none())
        .allows(Scope.REGISTRY, Scope.CATALOG, Scope.ALL_ACTIONS);
  }
}
