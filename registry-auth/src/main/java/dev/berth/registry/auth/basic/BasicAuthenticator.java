package dev.berth.registry.auth.basic;

import dev.berth.registry.auth.Authentication;
import dev.berth.registry.auth.Authenticator;
import dev.berth.registry.auth.ChallengeError;
import dev.berth.registry.auth.Challenges;
import dev.berth.registry.auth.Identity;
import dev.berth.registry.auth.Scope;
import java.util.List;
import java.util.Optional;

/**
 * HTTP Basic against an htpasswd file, as distribution's {@code htpasswd} auth: no header is an
 * anonymous caller (the policy decides what it may do), wrong or malformed credentials are refused
 * with {@code Basic realm="..."}. A header of another scheme is refused too: this registry does
 * not read it.
 */
public final class BasicAuthenticator implements Authenticator {

  private final HtpasswdStore users;
  private final String realm;

  private BasicAuthenticator(HtpasswdStore users, String realm) {
    this.users = users;
    this.realm = Challenges.requireHeaderSafe("realm", realm);
  }

  public static BasicAuthenticator of(HtpasswdStore users, String realm) {
    return new BasicAuthenticator(users, realm);
  }

  @Override
  public Authentication authenticate(Optional<String> authorization) {
    if (authorization.isEmpty() || authorization.get().isBlank()) {
      return new Authentication.Authenticated(Identity.anonymous());
    }
    Optional<BasicCredentials> credentials;
    try {
      credentials = BasicCredentials.parse(authorization.get());
    } catch (BasicCredentials.MalformedException e) {
      return new Authentication.Refused(ChallengeError.NONE, e.getMessage());
    }
    if (credentials.isEmpty()) {
      return new Authentication.Refused(ChallengeError.NONE,
          "an Authorization scheme other than Basic");
    }
    if (credentials.get().user().isEmpty() && credentials.get().password().isEmpty()) {
      // containers/image (skopeo, podman, buildah) answers a Basic challenge without credentials
      // with "Basic Og==", an empty user and password: that is no one, so the policy decides
      // (anonymous pull), as it would without the header.
      return new Authentication.Authenticated(Identity.anonymous());
    }
    return users.verify(credentials.get().user(), credentials.get().password())
        .<Authentication>map(u -> new Authentication.Authenticated(Identity.user(u)))
        .orElseGet(() -> new Authentication.Refused(ChallengeError.NONE,
            "wrong user name or password"));
  }

  @Override
  public String challenge(List<Scope> needed, ChallengeError error) {
    return Challenges.basic(realm);
  }

  /** The users, for the token server that shares them. */
  public HtpasswdStore users() {
    return users;
  }
}
