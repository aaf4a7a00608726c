package dev.berth.registry.auth.seam;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.Challenges;
import dev.berth.registry.auth.basic.BasicAuthenticator;
import dev.berth.registry.auth.basic.HtpasswdStore;
import dev.berth.registry.auth.policy.AccessPolicy;
import dev.berth.registry.auth.policy.AnonymousPull;
import dev.berth.registry.auth.server.TokenServlet;
import dev.berth.registry.auth.token.BearerAuthenticator;
import dev.berth.registry.auth.token.IssuerKey;
import dev.berth.registry.auth.token.TokenIssuer;
import dev.berth.registry.auth.token.TokenVerifier;
import dev.berth.registry.auth.token.TrustedKeys;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Builds what a registry needs for an {@link AuthConfig}: the {@link AccessController} to hand
 * the servlet and, for the built-in token server, the {@link TokenServlet} to mount beside it.
 * The launcher and the embedded server call only this; every file is read (and every error
 * reported) here, at start.
 *
 * <pre>{@code
 * AuthSetup auth = AuthSetup.build(AuthConfig.htpasswd("Berth", Path.of("users.htpasswd"))
 *     .withPolicy(Path.of("policy.yaml")), Clock.systemUTC());
 * context.addServlet(new ServletHolder(new BerthServlet(registry, auth.accessController(),
 *     options)), "/*");
 * auth.tokenEndpoint().ifPresent(t -> context.addServlet(new ServletHolder(t.servlet()),
 *     t.path()));
 * }</pre>
 */
public final class AuthSetup {

  /** The built-in token server's servlet and the path to mount it at. */
  public record TokenEndpoint(String path, TokenServlet servlet) {}

  private final AccessController accessController;
  private final Optional<TokenEndpoint> tokenEndpoint;
  private final String summary;

  private AuthSetup(AccessController accessController, Optional<TokenEndpoint> tokenEndpoint,
      String summary) {
    this.accessController = accessController;
    this.tokenEndpoint = tokenEndpoint;
    this.summary = summary;
  }

  /**
   * Reads the configured files and builds the pieces.
   *
   * @throws AuthConfigException naming the file and entry that cannot be used
   */
  public static AuthSetup build(AuthConfig config, Clock clock) {
    Optional<Authorizer> policy = config.policy().map(p -> AccessPolicy.watch(p, clock));
    String policyText = config.policy().map(p -> "policy " + p)
        .orElse("no policy file (authenticated users may do everything)")
        + (config.anonymousPull() ? ", anonymous pull" : "");
    AuthConfig.Mode mode = config.mode();
    if (config.anonymousPull()) {
      if (mode instanceof AuthConfig.Token || mode instanceof AuthConfig.None) {
        throw new AuthConfigException("anonymous pull applies to htpasswd and the built-in token"
            + " server (an external token server decides which anonymous tokens it issues)");
      }
      policy = Optional.of(AnonymousPull.over(
          policy.orElseGet(AccessPolicy::authenticatedFullAccess)));
    }
    if (mode instanceof AuthConfig.Htpasswd h) {
      BasicAuthenticator basic = BasicAuthenticator.of(HtpasswdStore.open(h.file(), clock),
          h.realm());
      Authorizer rules = policy.orElseGet(AccessPolicy::authenticatedFullAccess);
      return new AuthSetup(config.certificateUsers()
          ? AuthAccessController.passwordsOrPrincipal(basic, rules)
          : AuthAccessController.passwords(basic, rules), Optional.empty(),
          "htpasswd " + h.file() + (config.certificateUsers() ? " or client certificates" : "")
              + ", " + policyText);
    }
    if (mode instanceof AuthConfig.Token t) {
      return new AuthSetup(AuthAccessController.tokens(
          BearerAuthenticator.create(t.verification(), clock), policy), Optional.empty(),
          "tokens from " + t.verification().realm() + ", " + config.policy()
              .map(p -> "policy " + p).orElse("grants as the tokens say"));
    }
    if (mode instanceof AuthConfig.BuiltInTokenServer s) {
      return tokenServer(s.server(), policy.orElseGet(AccessPolicy::authenticatedFullAccess),
          policyText, clock);
    }
    if (mode instanceof AuthConfig.Container c) {
      return new AuthSetup(AuthAccessController.container(
          policy.orElseGet(AccessPolicy::authenticatedFullAccess), c.challenge()),
          Optional.empty(), "the servlet container's login, " + policyText);
    }
    if (policy.isPresent()) {
      throw new AuthConfigException("an access policy needs an authentication mode");
    }
    return new AuthSetup(AccessController.ALLOW_ALL, Optional.empty(),
        "no authentication: everyone may push, pull and delete");
  }

  private static AuthSetup tokenServer(TokenServerConfig config, Authorizer policy,
      String policyText, Clock clock) {
    HtpasswdStore users = HtpasswdStore.open(config.htpasswd(), clock);
    IssuerKey key = config.key().map(IssuerKey::loadOrCreate).orElseGet(IssuerKey::generate);
    TokenIssuer issuer = TokenIssuer.of(key, config.issuer(), config.tokenLifetime(),
        config.refreshLifetime(), clock);
    TokenServlet servlet = new TokenServlet(users, policy, issuer, config.service(),
        config.basicRealm());
    // The registry trusts exactly the key it signs with, and only its algorithm.
    TokenVerifier verifier = TokenVerifier.of(trust(key), config.issuer(), config.service(),
        List.of("ES256"), clock);
    String fixedRealm = config.realm().orElse(config.path());
    BearerAuthenticator bearer = BearerAuthenticator.of(verifier, fixedRealm, config.service());
    AuthAccessController.Challenger challenger = (caller, needed, error) -> Optional.of(
        Challenges.bearer(config.realm().orElseGet(() -> caller.origin().orElse("")
            + config.path()), config.service(), needed, error));
    // Tokens carry pull/push/delete; the policy is asked per request as well, so that moving a
    // tag needs `update` and a user removed from the policy loses access before the token ends.
    return new AuthSetup(AuthAccessController.tokens(bearer, challenger, Optional.of(policy)),
        Optional.of(new TokenEndpoint(config.path(), servlet)), "built-in token server at "
            + config.realm().orElse("<origin>" + config.path()) + " for " + config.htpasswd()
            + ", " + policyText);
  }

  private static TrustedKeys trust(IssuerKey key) {
    List<X509Certificate> chain = key.chain();
    try {
      List<JWK> jwks = JWKSet.parse(key.publicJwks()).getKeys();
      return TrustedKeys.of(chain.isEmpty() ? List.of() : List.of(chain.get(chain.size() - 1)),
          jwks);
    } catch (ParseException e) {
      throw new IllegalStateException("the issuer's own JWKS does not parse", e);
    }
  }

  /** The controller to hand {@code BerthServlet}. */
  public AccessController accessController() {
    return accessController;
  }

  /** The token servlet to mount, for the built-in token server. */
  public Optional<TokenEndpoint> tokenEndpoint() {
    return tokenEndpoint;
  }

  /** Whether anyone may do anything (no authentication): the launcher warns off loopback. */
  public boolean isOpen() {
    return accessController == AccessController.ALLOW_ALL;
  }

  /** One line for the start log: the mode and its files, never a secret. */
  public String summary() {
    return summary;
  }

  @Override
  public String toString() {
    return "AuthSetup[" + summary + "]";
  }
}
