package dev.berth.registry.auth;

import java.util.Optional;

/**
 * The {@code error} parameter of a Bearer challenge (RFC 6750 section 3.1), as distribution sends
 * it: nothing when no token came, {@code invalid_token} when the token is malformed, badly signed,
 * expired or for another issuer or service, {@code insufficient_scope} when it lacks an action.
 */
public enum ChallengeError {
  /** No usable credentials came: challenge without an error parameter. */
  NONE(null),
  /** Credentials came and were wrong. */
  INVALID_TOKEN("invalid_token"),
  /** A valid token without the needed grant. */
  INSUFFICIENT_SCOPE("insufficient_scope");

  private final String wireValue;

  ChallengeError(String wireValue) {
    this.wireValue = wireValue;
  }

  /** The parameter's value, empty for {@link #NONE}. */
  public Optional<String> wireValue() {
    return Optional.ofNullable(wireValue);
  }
}
