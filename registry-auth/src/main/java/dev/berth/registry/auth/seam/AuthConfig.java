package dev.berth.registry.auth.seam;

import dev.berth.registry.auth.policy.AnonymousPull;
import dev.berth.registry.auth.token.TokenAuthConfig;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How a registry authenticates and authorizes, as one small value that the launcher's
 * configuration and the embedded server map onto; {@link AuthSetup#build} turns it into the
 * registry's access controller (and the built-in token server, when that is the mode).
 *
 * @param mode how callers prove who they are
 * @param policy the zot-style policy file; absent: authenticated users may do everything and
 *     anonymous callers nothing (with external tokens: the tokens' grants alone decide)
 * @param anonymousPull anyone may read every repository, whatever the policy says of anonymous
 *     callers (htpasswd and the built-in token server; an external token server decides itself)
 * @param certificateUsers a verified TLS client certificate's subject CN (the container's
 *     principal) is the user, for callers that send no {@code Authorization} header (htpasswd)
 */
public record AuthConfig(Mode mode, Optional<Path> policy, boolean anonymousPull,
    boolean certificateUsers) {

  public AuthConfig {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(policy, "policy");
  }

  /** A mode and an optional policy, nothing else. */
  public AuthConfig(Mode mode, Optional<Path> policy) {
    this(mode, policy, false, false);
  }

  /** One of the five modes of issue 11. */
  public sealed interface Mode permits None, Htpasswd, Token, BuiltInTokenServer, Container {}

  /** No authentication: everyone may do everything (today's behaviour, the default). */
  public record None() implements Mode {}

  /** HTTP Basic against an htpasswd file of bcrypt hashes. */
  public record Htpasswd(String realm, Path file) implements Mode {
    public Htpasswd {
      Objects.requireNonNull(realm, "realm");
      Objects.requireNonNull(file, "file");
    }
  }

  /** Bearer tokens from an external token server, verified as distribution does. */
  public record Token(TokenAuthConfig verification) implements Mode {
    public Token {
      Objects.requireNonNull(verification, "verification");
    }
  }

  /** Bearer tokens from Berth's own token server, for the users of an htpasswd file. */
  public record BuiltInTokenServer(TokenServerConfig server) implements Mode {
    public BuiltInTokenServer {
      Objects.requireNonNull(server, "server");
    }
  }

  /**
   * The servlet container's own login ({@code getUserPrincipal}, roles as policy groups).
   *
   * @param challenge the {@code WWW-Authenticate} value for anonymous callers refused with 401,
   *     matching the container's login ({@code Basic realm="..."}); empty to send none
   */
  public record Container(Optional<String> challenge) implements Mode {
    public Container {
      Objects.requireNonNull(challenge, "challenge");
    }
  }

  public static AuthConfig none() {
    return new AuthConfig(new None(), Optional.empty());
  }

  public static AuthConfig htpasswd(String realm, Path file) {
    return new AuthConfig(new Htpasswd(realm, file), Optional.empty());
  }

  public static AuthConfig token(TokenAuthConfig verification) {
    return new AuthConfig(new Token(verification), Optional.empty());
  }

  public static AuthConfig tokenServer(TokenServerConfig server) {
    return new AuthConfig(new BuiltInTokenServer(server), Optional.empty());
  }

  public static AuthConfig container(Optional<String> challenge) {
    return new AuthConfig(new Container(challenge), Optional.empty());
  }

  /** The same mode with a policy file. */
  public AuthConfig withPolicy(Path file) {
    return new AuthConfig(mode, Optional.of(file), anonymousPull, certificateUsers);
  }

  /** The same, with every repository readable by anonymous callers ({@link AnonymousPull}). */
  public AuthConfig withAnonymousPull() {
    return new AuthConfig(mode, policy, true, certificateUsers);
  }

  /** The same, with a TLS client certificate's subject CN as the user when no header is sent. */
  public AuthConfig withCertificateUsers() {
    return new AuthConfig(mode, policy, anonymousPull, true);
  }
}
