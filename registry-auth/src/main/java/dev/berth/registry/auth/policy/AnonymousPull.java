package dev.berth.registry.auth.policy;

import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Permission;
import dev.berth.registry.oci.RepositoryName;
import java.util.Objects;

/**
 * Berth's {@code auth.anonymousPull}: anyone may read every repository (and so list the catalog),
 * whatever else the policy says; everything else is the policy's. The common shape of a public
 * registry with authenticated pushes, without writing a policy file for it.
 */
public final class AnonymousPull implements Authorizer {

  private final Authorizer policy;

  private AnonymousPull(Authorizer policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** {@code policy}, with reading open to anonymous callers. */
  public static Authorizer over(Authorizer policy) {
    return new AnonymousPull(policy);
  }

  /** No user: an anonymous caller, or the bearer of an anonymous token of the token server. */
  private static boolean anonymous(Identity who) {
    return !who.authenticated();
  }

  @Override
  public boolean allows(Identity who, RepositoryName repository, Permission permission) {
    return permission == Permission.READ && anonymous(who)
        || policy.allows(who, repository, permission);
  }

  @Override
  public boolean allowsCatalog(Identity who) {
    // The token server reads allowsCatalog(anonymous) as "anonymous callers may read something".
    return anonymous(who) || policy.allowsCatalog(who);
  }

  @Override
  public String toString() {
    return policy + " with anonymous pull";
  }
}
