package dev.berth.registry.proxy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One upstream registry of a pull-through cache, as configuration gives it.
 *
 * @param url the upstream's base URL, e.g. {@code https://registry-1.docker.io}
 * @param prefix the local repository prefix that maps to it ({@code docker.io}: local
 *     {@code docker.io/library/alpine} is upstream {@code library/alpine}), or null: every
 *     repository, by the same name (registry:2's proxy mode)
 * @param username for Basic credentials or the token flow of the upstream's challenge, or null
 * @param password with {@code username}
 * @param caBundle a PEM file of CA certificates to trust for {@code https} instead of the JDK's,
 *     or null
 * @param ttl how long a cached tag and a subject's referrers are served before they are checked
 *     upstream again
 */
public record UpstreamOptions(URI url, String prefix, String username, String password,
    Path caBundle, Duration ttl) {

  /** registry:2's proxy default: tags are checked again after a day. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  public UpstreamOptions {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(ttl, "ttl");
    String scheme = url.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme) || url.getHost() == null) {
      throw new IllegalArgumentException("upstream url must be http(s)://host[:port]: " + url);
    }
    if (prefix != null) {
      prefix = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
      if (prefix.isEmpty()) {
        prefix = null;
      }
    }
    if ((username == null) != (password == null)) {
      throw new IllegalArgumentException("upstream " + url + ": give both username and password,"
          + " or neither");
    }
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("upstream " + url + ": negative ttl " + ttl);
    }
  }

  /** An upstream for every repository, without credentials, with the default TTL. */
  public static UpstreamOptions of(URI url) {
    return new UpstreamOptions(url, null, null, null, null, DEFAULT_TTL);
  }

  public UpstreamOptions withPrefix(String localPrefix) {
    return new UpstreamOptions(url, localPrefix, username, password, caBundle, ttl);
  }

  public UpstreamOptions withCredentials(String user, String secret) {
    return new UpstreamOptions(url, prefix, user, secret, caBundle, ttl);
  }

  public UpstreamOptions withCaBundle(Path pem) {
    return new UpstreamOptions(url, prefix, username, password, pem, ttl);
  }

  public UpstreamOptions withTtl(Duration tagTtl) {
    return new UpstreamOptions(url, prefix, username, password, caBundle, tagTtl);
  }

  @Override
  public String toString() {
    // Never the password.
    return "UpstreamOptions[" + url + (prefix == null ? "" : " for " + prefix + "/")
        + (username == null ? "" : " as " + username) + ", ttl " + ttl + "]";
  }
}
