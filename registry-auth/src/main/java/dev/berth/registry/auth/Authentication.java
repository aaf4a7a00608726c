package dev.berth.registry.auth;

/** The outcome of reading an {@code Authorization} header. */
public sealed interface Authentication {

  /** The header proved an identity (or was absent: {@link Identity#anonymous()}). */
  record Authenticated(Identity identity) implements Authentication {}

  /**
   * The header was present and wrong. Answer 401 with the authenticator's challenge for
   * {@code error}. {@code reason} is for the registry's log: it never holds a credential.
   */
  record Refused(ChallengeError error, String reason) implements Authentication {}
}
