package dev.berth.registry.proxy;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.upstream.Upstream;
import dev.berth.registry.upstream.UpstreamBlob;
import dev.berth.registry.upstream.UpstreamManifest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Several upstreams behind one {@link Upstream}: a local repository goes to the upstream with the
 * longest prefix it starts with ({@code docker.io/library/alpine} → {@code docker.io} →
 * upstream {@code library/alpine}), else to the upstream without a prefix, under its own name.
 * Prefixes match whole path components.
 */
final class RoutedUpstream implements Upstream {

  private record Route(String prefix, HttpUpstream upstream) {}

  /** Longest prefix first; the upstream without a prefix last. */
  private final List<Route> routes;

  private RoutedUpstream(List<Route> routes) {
    this.routes = routes;
  }

  static RoutedUpstream of(List<UpstreamOptions> upstreams) {
    List<Route> routes = new ArrayList<>();
    for (UpstreamOptions u : upstreams) {
      routes.add(new Route(u.prefix(), HttpUpstream.of(u)));
    }
    routes.sort(Comparator.comparingInt((Route r) -> r.prefix == null ? -1
        : r.prefix.length()).reversed());
    return new RoutedUpstream(List.copyOf(routes));
  }

  /** The upstream and its name for a local repository, if one covers it. */
  private Optional<Mapped> map(RepositoryName local) {
    for (Route r : routes) {
      if (r.prefix == null) {
        return Optional.of(new Mapped(r.upstream, local));
      }
      String name = local.value();
      if (name.startsWith(r.prefix + "/") && RepositoryName.isValid(
          name.substring(r.prefix.length() + 1))) {
        return Optional.of(new Mapped(r.upstream,
            RepositoryName.parse(name.substring(r.prefix.length() + 1))));
      }
    }
    return Optional.empty();
  }

  private record Mapped(HttpUpstream upstream, RepositoryName name) {}

  private Mapped require(RepositoryName local) {
    return map(local).orElseThrow(() -> new IllegalArgumentException("no upstream covers "
        + local));
  }

  @Override
  public boolean covers(RepositoryName repository) {
    return map(repository).isPresent();
  }

  @Override
  public Duration tagTtl(RepositoryName repository) {
    return require(repository).upstream.ttl();
  }

  @Override
  public Optional<Descriptor> resolve(RepositoryName repository, Tag tag) {
    Mapped m = require(repository);
    return m.upstream.resolve(m.name, tag);
  }

  @Override
  public Optional<UpstreamManifest> manifest(RepositoryName repository, Digest digest) {
    Mapped m = require(repository);
    return m.upstream.manifest(m.name, digest);
  }

  @Override
  public Optional<Long> blobSize(RepositoryName repository, Digest digest) {
    Mapped m = require(repository);
    return m.upstream.blobSize(m.name, digest);
  }

  @Override
  public Optional<UpstreamBlob> openBlob(RepositoryName repository, Digest digest) {
    Mapped m = require(repository);
    return m.upstream.openBlob(m.name, digest);
  }

  @Override
  public List<Descriptor> referrers(RepositoryName repository, Digest subject) {
    Mapped m = require(repository);
    return m.upstream.referrers(m.name, subject);
  }

  @Override
  public String toString() {
    return "upstreams " + routes;
  }
}
