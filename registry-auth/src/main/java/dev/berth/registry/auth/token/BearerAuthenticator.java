package dev.berth.registry.auth.token;

import dev.berth.registry.auth.Authentication;
import dev.berth.registry.auth.Authenticator;
import dev.berth.registry.auth.ChallengeError;
import dev.berth.registry.auth.Challenges;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Scope;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * distribution's token authentication: {@code Authorization: Bearer <jwt>} verified by a
 * {@link TokenVerifier}; the identity carries the token's grants, which a
 * {@link TokenGrantAuthorizer} checks. No header, or a header of another scheme (a client that
 * sends Basic to a token registry), is an anonymous caller with no grants: the 401 that follows
 * carries a challenge without an error parameter, so the client fetches a token. A token that
 * does not verify is refused with {@code error="invalid_token"}.
 */
public final class BearerAuthenticator implements Authenticator {

  private static final String BEARER = "Bearer";

  private final TokenVerifier verifier;
  private final String realm;
  private final String service;

  private BearerAuthenticator(TokenVerifier verifier, String realm, String service) {
    this.verifier = verifier;
    this.realm = Challenges.requireHeaderSafe("token auth realm", realm);
    this.service = Challenges.requireHeaderSafe("token auth service", service);
  }

  public static BearerAuthenticator of(TokenVerifier verifier, String realm, String service) {
    return new BearerAuthenticator(verifier, realm, service);
  }

  /** Reads the configuration's keys now and verifies against them. */
  public static BearerAuthenticator create(TokenAuthConfig config, Clock clock) {
    return of(TokenVerifier.create(config, clock), config.realm(), config.service());
  }

  @Override
  public Authentication authenticate(Optional<String> authorization) {
    if (authorization.isEmpty()) {
      return new Authentication.Authenticated(Identity.anonymous());
    }
    String header = authorization.get().strip();
    int space = header.indexOf(' ');
    if (space != BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, space)) {
      return new Authentication.Authenticated(Identity.anonymous());
    }
    String token = header.substring(space + 1).strip();
    if (token.isEmpty()) {
      return new Authentication.Authenticated(Identity.anonymous());
    }
    try {
      VerifiedToken verified = verifier.verify(token);
      return new Authentication.Authenticated(
          Identity.token(verified.subject(), verified.grants()));
    } catch (InvalidTokenException e) {
      return new Authentication.Refused(ChallengeError.INVALID_TOKEN, e.getMessage());
    }
  }

  @Override
  public String challenge(List<Scope> needed, ChallengeError error) {
    return Challenges.bearer(realm, service, needed, error);
  }
}
