package dev.berth.registry.access;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who is asking, as far as the transport knows.
 *
 * @param principal the name the container authenticated, if any
 * @param authorization the raw {@code Authorization} header, if any: a credential, never printed
 * @param remoteAddress the peer's address
 * @param origin {@code scheme://host[:port]} the client addressed (trusted proxies' headers
 *     applied), if known: the base of a token realm served by the registry itself
 * @param roles whether the container counts the principal in a role; asks the container, so only
 *     while the request runs
 */
public record Caller(Optional<String> principal, Optional<String> authorization,
    String remoteAddress, Optional<String> origin, Predicate<String> roles) {

  private static final Predicate<String> NO_ROLES = role -> false;

  public Caller {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(authorization, "authorization");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(roles, "roles");
  }

  /** A caller without origin or roles. */
  public Caller(Optional<String> principal, Optional<String> authorization,
      String remoteAddress) {
    this(principal, authorization, remoteAddress, Optional.empty(), NO_ROLES);
  }

  public static Caller anonymous(String remoteAddress) {
    return new Caller(Optional.empty(), Optional.empty(), remoteAddress);
  }

  /** Whether the container counts the principal in {@code role}. */
  public boolean inRole(String role) {
    return roles.test(role);
  }

  /** Leaves the credential out, so that logging a caller never logs a password or token. */
  @Override
  public String toString() {
    return "Caller[principal=" + principal.orElse("-") + ", authorization="
        + authorization.map(a -> "<" + scheme(a) + " ...>").orElse("-") + ", remoteAddress="
        + remoteAddress + ", origin=" + origin.orElse("-") + "]";
  }

  private static String scheme(String header) {
    String trimmed = header.strip();
    int space = trimmed.indexOf(' ');
    String scheme = space < 0 ? "" : trimmed.substring(0, space);
    return scheme.matches("[A-Za-z][A-Za-z0-9-]{0,20}") ? scheme : "?";
  }
}
