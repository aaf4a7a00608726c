package dev.berth.registry.auth.seam;

import dev.berth.registry.access.Access;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.access.AccessDenied;
import dev.berth.registry.access.AccessRequest;
import dev.berth.registry.access.Action;
import dev.berth.registry.access.Caller;
import dev.berth.registry.access.Permit;
import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Authentication;
import dev.berth.registry.auth.Authenticator;
import dev.berth.registry.auth.Authorizer;
import dev.berth.registry.auth.ChallengeError;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Scope;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The registry's {@link AccessController} built from Berth's pieces: an identity source (an
 * {@link Authenticator} reading the {@code Authorization} header, or the servlet container's
 * principal), the answer to a 401 (a {@link Challenger}), and an optional {@link Authorizer}
 * policy.
 *
 * <p>Per request the credentials are checked once ({@link #authorize}); the {@link Permit} it
 * returns answers the handler's later questions from the same identity. The rules:
 * <ul>
 *   <li>Credentials that are present and wrong: 401 with the challenge ({@code invalid_token} for
 *       a Bearer token), whatever the request.
 *   <li>With tokens, every request needs one, as in distribution: a caller without a token gets
 *       401 and the challenge (anonymous callers fetch anonymous tokens from the token server
 *       when the policy lets them read something). The token must grant every record (exact
 *       repository names, {@code *} for every action, {@code registry:catalog:*} for the
 *       catalog), else 401 with {@code error="insufficient_scope"}; then the policy, when there
 *       is one, must allow it too, else 403 {@code DENIED} (a new token would not help: the token
 *       server asks the same policy).
 *   <li>With passwords or the container's login the policy decides, for anonymous callers too
 *       ({@code anonymousPolicy}). A refusal is 401 with the challenge for an anonymous caller
 *       and 403 {@code DENIED} for a known user.
 *   <li>The API root ({@code /v2/}, no records) admits any authenticated caller and any valid
 *       token, and answers everyone else 401 with the challenge, even when anonymous callers may
 *       read: Docker and containers/image learn how to authenticate from that answer only, so a
 *       200 there would make every later push go without credentials.
 * </ul>
 * Every 401 lists the scopes of everything the request asked (optional records included), so the
 * client's next token covers the whole request.
 */
public final class AuthAccessController implements AccessController {

  private static final Logger LOG = System.getLogger(AuthAccessController.class.getName());

  /** Establishes who the caller is. */
  @FunctionalInterface
  interface IdentitySource {
    Authentication identify(Caller caller);
  }

  /** The {@code WWW-Authenticate} value of a 401; empty to send none. */
  @FunctionalInterface
  public interface Challenger {
    Optional<String> challenge(Caller caller, List<Scope> needed, ChallengeError error);
  }

  /** How one record fares, from best to worst for the caller. */
  enum Verdict {
    ALLOW, DENY, INSUFFICIENT_SCOPE, ANONYMOUS
  }

  private final IdentitySource identities;
  private final Challenger challenger;
  private final Optional<Authorizer> policy;
  private final boolean tokensRequired;
  private final String description;

  private AuthAccessController(IdentitySource identities, Challenger challenger,
      Optional<Authorizer> policy, boolean tokensRequired, String description) {
    this.identities = Objects.requireNonNull(identities, "identities");
    this.challenger = Objects.requireNonNull(challenger, "challenger");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.tokensRequired = tokensRequired;
    this.description = description;
    if (policy.isEmpty() && !tokensRequired) {
      throw new IllegalArgumentException("without tokens a policy decides");
    }
  }

  /** HTTP Basic (or another password scheme): the policy decides, for anonymous callers too. */
  public static AuthAccessController passwords(Authenticator authenticator, Authorizer policy) {
    return new AuthAccessController(caller -> authenticator.authenticate(caller.authorization()),
        (caller, needed, error) -> Optional.of(authenticator.challenge(needed, error)),
        Optional.of(policy), false, authenticator + " with " + policy);
  }

  /**
   * HTTP Basic, or a principal the container established (a verified TLS client certificate's
   * subject CN) when the caller sends no {@code Authorization} header: credentials that are sent
   * are checked, so a wrong password is refused even on a connection with a certificate.
   */
  public static AuthAccessController passwordsOrPrincipal(Authenticator authenticator,
      Authorizer policy) {
    IdentitySource identities = caller -> caller.authorization().isEmpty()
        && caller.principal().isPresent()
        ? new Authentication.Authenticated(Identity.user(caller.principal().get()))
        : authenticator.authenticate(caller.authorization());
    return new AuthAccessController(identities,
        (caller, needed, error) -> Optional.of(authenticator.challenge(needed, error)),
        Optional.of(policy), false, authenticator + " or client certificates with " + policy);
  }

  /**
   * Bearer tokens, challenged as the authenticator says (its fixed realm).
   *
   * @param policy asked after the token's grants; absent: the grants alone decide, as in
   *     distribution with an external token server
   */
  public static AuthAccessController tokens(Authenticator authenticator,
      Optional<Authorizer> policy) {
    return tokens(authenticator, (caller, needed, error) -> Optional.of(
        authenticator.challenge(needed, error)), policy);
  }

  /** Bearer tokens with challenges of the caller's choosing (a realm on the request's origin). */
  public static AuthAccessController tokens(Authenticator authenticator, Challenger challenger,
      Optional<Authorizer> policy) {
    return new AuthAccessController(caller -> authenticator.authenticate(caller.authorization()),
        challenger, policy, true, authenticator + " with " + policy.map(Object::toString)
            .orElse("token grants only"));
  }

  /**
   * The servlet container's own login: its principal is the user, its roles count as policy
   * groups of the same name, the {@code Authorization} header is the container's business.
   *
   * @param challenge sent with a 401 to anonymous callers, to match the container's login
   *     ({@code Basic realm="..."}); empty to send none
   */
  public static AuthAccessController container(Authorizer policy, Optional<String> challenge) {
    IdentitySource principal = caller -> new Authentication.Authenticated(caller.principal()
        .map(name -> Identity.containerUser(name, caller::inRole)).orElse(Identity.anonymous()));
    return new AuthAccessController(principal, (caller, needed, error) -> challenge,
        Optional.of(policy), false, "the servlet container's login with " + policy);
  }

  @Override
  public Permit authorize(AccessRequest request) {
    Caller caller = request.caller();
    try {
      Authentication authentication = identities.identify(caller);
      if (authentication instanceof Authentication.Refused refused) {
        // The reason names what was wrong (never the credential) for the operator's debugging.
        LOG.log(Level.DEBUG, () -> "credentials from " + caller.remoteAddress()
            + " refused: " + refused.reason());
        throw unauthorized(caller, request.all(), refused.error(), "authentication required");
      }
      Identity who = ((Authentication.Authenticated) authentication).identity();
      if (request.needs().isEmpty() && !admitted(who)) {
        throw unauthorized(caller, List.of(), ChallengeError.NONE, "authentication required");
      }
      Verdict worst = Verdict.ALLOW;
      Access refusedRecord = null;
      for (Access access : request.needs()) {
        Verdict verdict = decide(who, access);
        if (verdict.compareTo(worst) > 0) {
          worst = verdict;
          refusedRecord = access;
        }
      }
      if (worst != Verdict.ALLOW) {
        Access record = refusedRecord;
        Verdict verdict = worst;
        LOG.log(Level.DEBUG, () -> "refused (" + verdict + ") " + who + " from "
            + caller.remoteAddress() + ": " + record);
        throw refusal(caller, worst, refusedRecord, request.all());
      }
      return new CallerPermit(this, caller, who, request.all());
    } catch (AuthConfigException broken) {
      throw cannotDecide(broken);
    }
  }

  /** Whether {@code who} may reach the API root: someone, or the bearer of a valid token. */
  private boolean admitted(Identity who) {
    return who.authenticated() || who.tokenGrants().isPresent();
  }

  /** How {@code who} fares on one record. */
  Verdict decide(Identity who, Access access) {
    boolean catalog = access.repository().isEmpty();
    if (who.tokenGrants().isPresent()) {
      boolean granted = catalog
          ? who.tokenGrants().get().allows(Scope.REGISTRY, Scope.CATALOG, Scope.ALL_ACTIONS)
          : who.tokenGrants().get().allows(Scope.REPOSITORY, access.repository().get().value(),
              AccessVocabulary.scopeAction(access.action()));
      if (!granted) {
        return Verdict.INSUFFICIENT_SCOPE;
      }
      if (policy.isEmpty()) {
        return Verdict.ALLOW;
      }
    } else if (tokensRequired) {
      return Verdict.ANONYMOUS;
    }
    Authorizer p = policy.get();
    boolean allowed = catalog ? p.allowsCatalog(who) : p.allows(who, access.repository().get(),
        AccessVocabulary.permission(access.action()));
    if (allowed) {
      return Verdict.ALLOW;
    }
    return who.authenticated() || who.tokenGrants().isPresent() ? Verdict.DENY
        : Verdict.ANONYMOUS;
  }

  /** Whether the catalog shows {@code repository} to {@code who} (who may list the catalog). */
  boolean lists(Identity who, RepositoryName repository) {
    // A token's catalog grant lists everything, as in distribution, unless a policy filters.
    return policy.map(p -> p.allows(who, repository, AccessVocabulary.permission(Action.PULL)))
        .orElse(true);
  }

  /** The exception for a refused record; {@code asked} gives the challenge's scopes. */
  RegistryException refusal(Caller caller, Verdict verdict, Access record, List<Access> asked) {
    return switch (verdict) {
      case ANONYMOUS -> unauthorized(caller, asked, ChallengeError.NONE,
          "authentication required");
      case INSUFFICIENT_SCOPE -> unauthorized(caller, asked, ChallengeError.INSUFFICIENT_SCOPE,
          "the token does not grant " + Scope.join(AccessVocabulary.scopes(List.of(record))));
      case DENY -> AccessDenied.denied("requested access to the resource is denied: "
          + describe(record), null);
      case ALLOW -> throw new IllegalStateException("not a refusal");
    };
  }

  private AccessDenied unauthorized(Caller caller, List<Access> asked, ChallengeError error,
      String message) {
    List<Scope> scopes = AccessVocabulary.scopes(asked);
    return AccessDenied.unauthorized(message, challenger.challenge(caller, scopes, error),
        scopes.isEmpty() ? null : AccessVocabulary.detail(scopes));
  }

  static RegistryException cannotDecide(AuthConfigException broken) {
    // Fail closed: the htpasswd or policy file is unusable. The operator reads why in the log.
    LOG.log(Level.ERROR, "access refused, the registry cannot decide: " + broken.getMessage());
    return new RegistryException(ErrorCode.UNKNOWN,
        "the registry cannot decide access now; its log has the details");
  }

  private static String describe(Access access) {
    return access.repository().map(r -> AccessVocabulary.scopeAction(access.action()) + " on "
        + r.value()).orElse("listing the catalog");
  }

  /** Joins records for a follow-up question to the request's own, for a challenge. */
  static List<Access> plus(List<Access> asked, Access more) {
    List<Access> all = new ArrayList<>(asked);
    if (!all.contains(more)) {
      all.add(more);
    }
    return all;
  }

  @Override
  public String toString() {
    return "AuthAccessController[" + description + "]";
  }
}
