package dev.berth.registry.auth.seam;

import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Challenges;
import dev.berth.registry.auth.token.TokenIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The built-in token server's settings. Only the service and the users are required; the rest
 * has defaults: served at {@code /auth/token}; the challenge's realm is that path on the origin
 * the client used (so it is right behind a trusted proxy and on a port chosen at start) unless
 * one is configured; issuer {@code berth}; an ES256 key generated at first start into
 * {@code key} (0600) and reused, or, with no key file, generated per process (tokens then die
 * with it); tokens valid 5 minutes, refresh tokens 90 days; Basic realm {@code Berth}.
 */
public final class TokenServerConfig {

  public static final String DEFAULT_PATH = "/auth/token";
  public static final String DEFAULT_ISSUER = "berth";
  public static final String DEFAULT_BASIC_REALM = "Berth";

  private final String path;
  private final Optional<String> realm;
  private final String service;
  private final String issuer;
  private final Path htpasswd;
  private final Optional<Path> key;
  private final Duration tokenLifetime;
  private final Duration refreshLifetime;
  private final String basicRealm;

  private TokenServerConfig(Builder b) {
    this.path = b.path;
    if (!path.startsWith("/") || path.contains("*") || path.startsWith("/v2/")
        || path.equals("/v2")) {
      throw new AuthConfigException("token server path must start with / and lie outside /v2/: "
          + path);
    }
    this.realm = Optional.ofNullable(b.realm).map(r -> Challenges.requireHeaderSafe("realm", r));
    this.service = Challenges.requireHeaderSafe("token server service",
        Objects.requireNonNull(b.service, "service"));
    this.issuer = Objects.requireNonNull(b.issuer, "issuer");
    this.htpasswd = Objects.requireNonNull(b.htpasswd, "htpasswd");
    this.key = Optional.ofNullable(b.key);
    this.tokenLifetime = b.tokenLifetime;
    this.refreshLifetime = b.refreshLifetime;
    this.basicRealm = Challenges.requireHeaderSafe("token server Basic realm", b.basicRealm);
  }

  /** A server for {@code service} (the tokens' audience) and the users of {@code htpasswd}. */
  public static Builder builder(String service, Path htpasswd) {
    Builder b = new Builder();
    b.service = service;
    b.htpasswd = htpasswd;
    return b;
  }

  public String path() {
    return path;
  }

  public Optional<String> realm() {
    return realm;
  }

  public String service() {
    return service;
  }

  public String issuer() {
    return issuer;
  }

  public Path htpasswd() {
    return htpasswd;
  }

  public Optional<Path> key() {
    return key;
  }

  public Duration tokenLifetime() {
    return tokenLifetime;
  }

  public Duration refreshLifetime() {
    return refreshLifetime;
  }

  public String basicRealm() {
    return basicRealm;
  }

  @Override
  public String toString() {
    return "TokenServerConfig[path=" + path + ", realm=" + realm.orElse("<origin>" + path)
        + ", service=" + service + ", issuer=" + issuer + ", htpasswd=" + htpasswd + ", key="
        + key.map(Path::toString).orElse("<per process>") + "]";
  }

  /** Fills a {@link TokenServerConfig}. */
  public static final class Builder {
    private String path = DEFAULT_PATH;
    private String realm;
    private String service;
    private String issuer = DEFAULT_ISSUER;
    private Path htpasswd;
    private Path key;
    private Duration tokenLifetime = TokenIssuer.DEFAULT_LIFETIME;
    private Duration refreshLifetime = TokenIssuer.DEFAULT_REFRESH_LIFETIME;
    private String basicRealm = DEFAULT_BASIC_REALM;

    private Builder() {}

    /** Where the token servlet is mounted, beside the registry. */
    public Builder path(String path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /** The absolute URL clients fetch tokens from, when the origin they use is not it. */
    public Builder realm(String realm) {
      this.realm = realm;
      return this;
    }

    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /** The signing key's file: created (0600) when absent, reused afterwards. */
    public Builder key(Path key) {
      this.key = key;
      return this;
    }

    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    public Builder refreshLifetime(Duration lifetime) {
      this.refreshLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    public Builder basicRealm(String realm) {
      this.basicRealm = realm;
      return this;
    }

    public TokenServerConfig build() {
      return new TokenServerConfig(this);
    }
  }
}
