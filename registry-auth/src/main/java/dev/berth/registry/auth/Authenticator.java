package dev.berth.registry.auth;

import java.util.List;
import java.util.Optional;

/**
 * Turns an {@code Authorization} header into an {@link Identity}, and says how to ask for one.
 * Implementations: {@link dev.berth.registry.auth.basic.BasicAuthenticator} (htpasswd) and
 * {@link dev.berth.registry.auth.token.BearerAuthenticator} (distribution's token auth).
 *
 * <p>How the registry's {@code AccessController} uses it: authenticate; ask the
 * {@link Authorizer}; on refusal answer 401 with {@link #challenge} for an anonymous caller (or a
 * refused header, or a token lacking the scope, whose error is {@code insufficient_scope}), and
 * 403 {@code DENIED} for a user who proved a password but lacks the permission.
 */
public interface Authenticator {

  /** Reads the header; an absent header is an anonymous caller, never a refusal. */
  Authentication authenticate(Optional<String> authorization);

  /**
   * The {@code WWW-Authenticate} value for a 401.
   *
   * @param needed the scopes the refused request needed (a Bearer challenge lists them)
   * @param error why the earlier credentials, if any, did not do
   */
  String challenge(List<Scope> needed, ChallengeError error);
}
