package dev.berth.registry.auth.token;

import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.Challenges;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * distribution's {@code auth: token:} settings: {@code realm} (the token server's URL, sent in
 * challenges), {@code service} (the audience tokens must name), {@code issuer} (their
 * {@code iss}), {@code rootcertbundle} and/or {@code jwks} (the keys they may be signed with), and
 * Berth's addition: an optional HMAC secret for HS256/384/512 tokens, which are refused without
 * one.
 */
public final class TokenAuthConfig {

  /** An HMAC secret shorter than SHA-256's output is refused (RFC 7518 3.2). */
  public static final int MIN_SECRET_BYTES = 32;

  private final String realm;
  private final String service;
  private final String issuer;
  private final Optional<Path> rootCertBundle;
  private final Optional<Path> jwks;
  private final byte[] hmacSecret;
  private final List<String> algorithms;

  private TokenAuthConfig(Builder b) {
    this.realm = Challenges.requireHeaderSafe("token auth realm", b.realm);
    this.service = Challenges.requireHeaderSafe("token auth service", b.service);
    this.issuer = Objects.requireNonNull(b.issuer, "issuer");
    if (issuer.isEmpty()) {
      throw new AuthConfigException("token auth needs an issuer");
    }
    this.rootCertBundle = Optional.ofNullable(b.rootCertBundle);
    this.jwks = Optional.ofNullable(b.jwks);
    this.hmacSecret = b.hmacSecret == null ? null : b.hmacSecret.clone();
    if (hmacSecret != null && hmacSecret.length < MIN_SECRET_BYTES) {
      throw new AuthConfigException("token auth: the HMAC secret must have at least "
          + MIN_SECRET_BYTES + " bytes");
    }
    if (rootCertBundle.isEmpty() && jwks.isEmpty() && hmacSecret == null) {
      throw new AuthConfigException("token auth requires at least one token signing key:"
          + " a root certificate bundle, a JWKS file or an HMAC secret");
    }
    this.algorithms = b.algorithms == null ? List.of() : List.copyOf(b.algorithms);
  }

  public static Builder builder() {
    return new Builder();
  }

  public String realm() {
    return realm;
  }

  public String service() {
    return service;
  }

  public String issuer() {
    return issuer;
  }

  public Optional<Path> rootCertBundle() {
    return rootCertBundle;
  }

  public Optional<Path> jwks() {
    return jwks;
  }

  /** A copy of the secret, if one is configured. */
  public Optional<byte[]> hmacSecret() {
    return Optional.ofNullable(hmacSecret).map(byte[]::clone);
  }

  /** The accepted {@code alg} values; empty means all that distribution accepts by default. */
  public List<String> algorithms() {
    return algorithms;
  }

  @Override
  public String toString() {
    return "TokenAuthConfig[realm=" + realm + ", service=" + service + ", issuer=" + issuer
        + ", rootCertBundle=" + rootCertBundle + ", jwks=" + jwks + ", hmacSecret="
        + (hmacSecret == null ? "none" : "<" + hmacSecret.length + " bytes>") + "]";
  }

  /** Fills a {@link TokenAuthConfig}. */
  public static final class Builder {
    private String realm;
    private String service;
    private String issuer;
    private Path rootCertBundle;
    private Path jwks;
    private byte[] hmacSecret;
    private List<String> algorithms;

    private Builder() {}

    public Builder realm(String realm) {
      this.realm = realm;
      return this;
    }

    public Builder service(String service) {
      this.service = service;
      return this;
    }

    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    public Builder rootCertBundle(Path rootCertBundle) {
      this.rootCertBundle = rootCertBundle;
      return this;
    }

    public Builder jwks(Path jwks) {
      this.jwks = jwks;
      return this;
    }

    public Builder hmacSecret(byte[] secret) {
      this.hmacSecret = secret == null ? null : Arrays.copyOf(secret, secret.length);
      return this;
    }

    public Builder algorithms(List<String> algorithms) {
      this.algorithms = algorithms;
      return this;
    }

    public TokenAuthConfig build() {
      return new TokenAuthConfig(this);
    }
  }
}
