package dev.berth.junit5.content;

import dev.berth.registry.Registry;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Test content in one call, pushed through the registry's HTTP API or written straight into a
 * {@link Registry}, and read back:
 *
 * <pre>{@code
 * TestContent content = TestContent.overHttp(berth.url());
 * PushedImage image = content.image("app").layers(3, 4096).tag("v1").push();
 * PushedIndex multi = content.index("app").platforms("linux/amd64", "linux/arm64/v8").push();
 * PushedArtifact sbom = content.artifact("app").subject(image)
 *     .artifactType("application/spdx+json").blob("{}", "application/spdx+json").push();
 * List<Referrer> referrers = content.referrers(image);
 * }</pre>
 *
 * <p>Over HTTP, what is pushed goes through every layer a client's push does (and shows in the
 * journal); directly, nothing is sent and nothing is journaled. Both check and store the same way.
 */
public final class TestContent {

  private final Transport transport;

  private TestContent(Transport transport) {
    this.transport = transport;
  }

  /** Pushes and reads through the HTTP API at {@code base} ({@code http://host:port/}). */
  public static TestContent overHttp(URI base) {
    return new TestContent(new HttpTransport(Objects.requireNonNull(base, "base")));
  }

  /** Writes and reads through the {@link Registry} API: no HTTP. */
  public static TestContent direct(Registry registry) {
    Objects.requireNonNull(registry, "registry");
    return new TestContent(new DirectTransport(() -> registry));
  }

  /** As {@link #direct(Registry)}, asking for the registry at each call (it may be replaced). */
  public static TestContent direct(Supplier<Registry> registry) {
    return new TestContent(new DirectTransport(Objects.requireNonNull(registry, "registry")));
  }

  /** An image of random layers. */
  public ImageBuilder image(String repository) {
    return new ImageBuilder(transport, repository);
  }

  /** A multi-platform index of random images. */
  public IndexBuilder index(String repository) {
    return new IndexBuilder(transport, repository);
  }

  /** An OCI 1.1 artifact: an image manifest with an {@code artifactType} and the empty config. */
  public ArtifactBuilder artifact(String repository) {
    return new ArtifactBuilder(transport, repository, false);
  }

  /** An ORAS artifact manifest ({@code application/vnd.cncf.oras.artifact.manifest.v1+json}). */
  public ArtifactBuilder orasArtifact(String repository) {
    return new ArtifactBuilder(transport, repository, true);
  }

  /**
   * A chain of OCI 1.1 referrers: the first refers to {@code subject}, each next one to the one
   * before (an SBOM of the image, a signature of the SBOM, ...), one per artifact type.
   */
  public List<PushedArtifact> referrerChain(Pushed subject, String... artifactTypes) {
    if (artifactTypes.length == 0) {
      throw new IllegalArgumentException("a chain needs at least one artifact type");
    }
    List<PushedArtifact> chain = new ArrayList<>();
    Pushed previous = subject;
    for (int i = 0; i < artifactTypes.length; i++) {
      PushedArtifact next = artifact(subject.repository()).artifactType(artifactTypes[i])
          .subject(previous)
          .blob("{\"link\":" + i + ",\"of\":\"" + previous.digest() + "\"}", "application/json")
          .push();
      chain.add(next);
      previous = next;
    }
    return List.copyOf(chain);
  }

  /** A manifest as the registry serves it, by tag or digest. */
  public StoredManifest manifest(String repository, String reference) {
    return transport.manifest(repository, reference);
  }

  /** A blob's bytes. */
  public byte[] blob(String repository, String digest) {
    return transport.blob(repository, digest);
  }

  /** A repository's tags, in lexical order (empty for an unknown repository). */
  public List<String> tags(String repository) {
    return transport.tags(repository);
  }

  /** Every referrer of a pushed manifest, in the registry's order (ascending digest). */
  public List<Referrer> referrers(Pushed subject) {
    return referrers(subject.repository(), subject.digest());
  }

  /** Every referrer of a manifest. */
  public List<Referrer> referrers(String repository, String digest) {
    return transport.referrers(repository, digest, null);
  }

  /** The referrers of a manifest with one artifact type. */
  public List<Referrer> referrers(String repository, String digest, String artifactType) {
    return transport.referrers(repository, digest, Objects.requireNonNull(artifactType));
  }
}
