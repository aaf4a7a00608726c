package dev.berth.registry.auth;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who a request is, once authenticated: a user name (absent for anonymous callers and anonymous
 * tokens), what a Bearer token grants when one proved it, and the roles a servlet container
 * counts the user in when the container authenticated it.
 *
 * @param name the authenticated user name; empty for anonymous
 * @param tokenGrants the verified token's grants; empty when no token was presented
 * @param roles the container's roles, which a policy reads as groups; none for other identities
 */
public record Identity(Optional<String> name, Optional<AccessGrants> tokenGrants,
    Predicate<String> roles) {

  private static final Predicate<String> NO_ROLES = role -> false;
  private static final Identity ANONYMOUS = new Identity(Optional.empty(), Optional.empty(),
      NO_ROLES);

  public Identity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tokenGrants, "tokenGrants");
    Objects.requireNonNull(roles, "roles");
  }

  /** No credentials. */
  public static Identity anonymous() {
    return ANONYMOUS;
  }

  /** A user who proved a password. */
  public static Identity user(String name) {
    return new Identity(Optional.of(name), Optional.empty(), NO_ROLES);
  }

  /** The bearer of a verified token; {@code subject} is empty for an anonymous token. */
  public static Identity token(Optional<String> subject, AccessGrants grants) {
    return new Identity(subject.filter(s -> !s.isEmpty()), Optional.of(grants), NO_ROLES);
  }

  /**
   * A user the servlet container authenticated; {@code roles} asks the container (only while the
   * request runs) whether the user holds a role.
   */
  public static Identity containerUser(String name, Predicate<String> roles) {
    return new Identity(Optional.of(name), Optional.empty(), roles);
  }

  public boolean authenticated() {
    return name.isPresent();
  }

  /** Whether the container counts this user in {@code role}. */
  public boolean inRole(String role) {
    return roles.test(role);
  }

  @Override
  public String toString() {
    return name.orElse("<anonymous>") + tokenGrants.map(g -> " (token)").orElse("");
  }
}
