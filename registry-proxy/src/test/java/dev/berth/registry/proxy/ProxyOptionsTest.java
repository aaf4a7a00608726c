package dev.berth.registry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.upstream.CachePolicy;
import dev.berth.registry.upstream.Upstream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What configuration may say, and which upstream a repository goes to. */
class ProxyOptionsTest {
  static final URI HUB = URI.create("https://registry-1.docker.io");
  static final URI QUAY = URI.create("https://quay.io");
  static final URI MIRROR = URI.create("http://127.0.0.1:5000");

  @Test
  void registryTwosKeysMakeOneUpstreamForEveryRepository() {
    ProxyOptions o = ProxyOptions.registryTwo(HUB, "u", "hunter2-secret", null);
    assertEquals(1, o.upstreams().size());
    UpstreamOptions u = o.upstreams().get(0);
    assertEquals(null, u.prefix());
    assertEquals(Duration.ofHours(24), u.ttl(), "registry:2's default TTL");
    assertFalse(o.acceptPushes());
    Upstream upstream = o.upstream();
    assertTrue(upstream.covers(RepositoryName.parse("library/alpine")));
    assertFalse(u.toString().contains("hunter2"), "the password stays out of messages: " + u);
  }

  @Test
  void theLongestPrefixWinsAndTheUnprefixedUpstreamTakesTheRest() {
    Upstream routed = new ProxyOptions(List.of(
        UpstreamOptions.of(HUB).withPrefix("docker.io/").withTtl(Duration.ofMinutes(1)),
        UpstreamOptions.of(QUAY).withPrefix("quay.io").withTtl(Duration.ofMinutes(2)),
        UpstreamOptions.of(MIRROR).withPrefix("docker.io/library").withTtl(Duration.ofMinutes(3))),
        CachePolicy.DEFAULT).upstream();
    assertEquals(Duration.ofMinutes(3), routed.tagTtl(RepositoryName.parse(
        "docker.io/library/alpine")));
    assertEquals(Duration.ofMinutes(1), routed.tagTtl(RepositoryName.parse("docker.io/bitnami/x")));
    assertEquals(Duration.ofMinutes(2), routed.tagTtl(RepositoryName.parse("quay.io/a/b")));
    assertFalse(routed.covers(RepositoryName.parse("docker.io")), "a prefix alone names nothing");
    assertFalse(routed.covers(RepositoryName.parse("docker.iox/a")), "whole components only");
    assertFalse(routed.covers(RepositoryName.parse("local/app")));

    Upstream withDefault = ProxyOptions.of(UpstreamOptions.of(HUB).withPrefix("docker.io"),
        UpstreamOptions.of(MIRROR)).upstream();
    assertTrue(withDefault.covers(RepositoryName.parse("local/app")));
  }

  @Test
  void refusesWhatCannotWork() {
    assertThrows(IllegalArgumentException.class, () -> UpstreamOptions.of(
        URI.create("ftp://example.com")));
    assertThrows(IllegalArgumentException.class, () -> new UpstreamOptions(HUB, null, "u", null,
        null, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> ProxyOptions.of(UpstreamOptions.of(HUB),
        UpstreamOptions.of(QUAY)), "two upstreams without a prefix");
    assertThrows(IllegalArgumentException.class, () -> ProxyOptions.of(
        UpstreamOptions.of(HUB).withPrefix("x"), UpstreamOptions.of(QUAY).withPrefix("x/")));
    assertThrows(IllegalArgumentException.class, () -> new ProxyOptions(List.of(), CachePolicy.DEFAULT));
  }
}
