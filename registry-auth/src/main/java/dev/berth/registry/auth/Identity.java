package dev.berth.registry.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a request is, once authenticated: a user name (absent for anonymous callers and anonymous
 * tokens) and, when a Bearer token proved it, what the token grants.
 *
 * @param name the authenticated user name; empty for anonymous
 * @param tokenGrants the verified token's grants; empty when no token was presented
 */
public record Identity(Optional<String> name, Optional<AccessGrants> tokenGrants) {

  private static final Identity ANONYMOUS = new Identity(Optional.empty(), Optional.empty());

  public Identity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tokenGrants, "tokenGrants");
  }

  /** No credentials. */
  public static Identity anonymous() {
    return ANONYMOUS;
  }

  /** A user who proved a password. */
  public static Identity user(String name) {
    return new Identity(Optional.of(name), Optional.empty());
  }

  /** The bearer of a verified token; {@code subject} is empty for an anonymous token. */
  public static Identity token(Optional<String> subject, AccessGrants grants) {
    return new Identity(subject.filter(s -> !s.isEmpty()), Optional.of(grants));
  }

  public boolean authenticated() {
    return name.isPresent();
  }

  @Override
  public String toString() {
    return name.orElse("<anonymous>") + tokenGrants.map(g -> " (token)").orElse("");
  }
}
