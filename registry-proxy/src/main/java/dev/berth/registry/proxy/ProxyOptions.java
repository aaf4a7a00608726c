package dev.berth.registry.proxy;

import dev.berth.registry.Registry;
import dev.berth.registry.upstream.CachePolicy;
import dev.berth.registry.upstream.Upstream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The pull-through cache as configuration describes it: its upstreams, whether covered
 * repositories accept every push, and its eviction limits. What a configuration layer fills
 * (docs/proxy.md lists the {@code proxy.*} keys) and applies with {@link #applyTo}.
 *
 * @param upstreams at most one without a prefix (it covers what no prefix does); prefixes unique
 * @param policy pushes and eviction ({@link CachePolicy#DEFAULT}: plain pushes refused, nothing
 *     evicted)
 */
public record ProxyOptions(List<UpstreamOptions> upstreams, CachePolicy policy) {

  public ProxyOptions {
    upstreams = List.copyOf(upstreams);
    Objects.requireNonNull(policy, "policy");
    if (upstreams.isEmpty()) {
      throw new IllegalArgumentException("a pull-through cache needs at least one upstream");
    }
    if (upstreams.stream().filter(u -> u.prefix() == null).count() > 1) {
      throw new IllegalArgumentException("only one upstream may go without a prefix: "
          + upstreams);
    }
    if (upstreams.stream().map(UpstreamOptions::prefix).filter(p -> p != null).distinct().count()
        != upstreams.stream().filter(u -> u.prefix() != null).count()) {
      throw new IllegalArgumentException("two upstreams have the same prefix: " + upstreams);
    }
  }

  /**
   * distribution's proxy section as registry:2 users write it ({@code proxy.remoteurl},
   * {@code proxy.username}, {@code proxy.password}, {@code proxy.ttl}): one upstream for every
   * repository.
   *
   * @param username null for none
   * @param ttl null for the default (24 h, registry:2's)
   */
  public static ProxyOptions registryTwo(URI remoteurl, String username, String password,
      Duration ttl) {
    UpstreamOptions one = new UpstreamOptions(remoteurl, null, username, password, null,
        ttl == null ? UpstreamOptions.DEFAULT_TTL : ttl);
    return new ProxyOptions(List.of(one), CachePolicy.DEFAULT);
  }

  public static ProxyOptions of(UpstreamOptions... upstreams) {
    return new ProxyOptions(List.of(upstreams), CachePolicy.DEFAULT);
  }

  /** Whether covered repositories accept every push, not only manifests with a subject. */
  public boolean acceptPushes() {
    return policy.acceptsAllPushes();
  }

  public ProxyOptions withAcceptPushes(boolean accept) {
    return new ProxyOptions(upstreams, policy.withAcceptsAllPushes(accept));
  }

  /** Evicts cached tags not pulled for {@code age} (null: no age limit). */
  public ProxyOptions withMaxAge(Duration age) {
    return new ProxyOptions(upstreams, policy.withMaxAge(age));
  }

  /** Evicts the least recently pulled cached tags above {@code bytes} (0: no size limit). */
  public ProxyOptions withMaxBytes(long bytes) {
    return new ProxyOptions(upstreams, policy.withMaxBytes(bytes));
  }

  /** The upstream these options describe, over HTTP. */
  public Upstream upstream() {
    return RoutedUpstream.of(upstreams);
  }

  /** Makes the registry being built a pull-through cache as described. */
  public Registry.Builder applyTo(Registry.Builder builder) {
    return builder.upstream(upstream(), policy);
  }
}
