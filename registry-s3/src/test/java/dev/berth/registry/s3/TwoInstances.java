package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import dev.berth.registry.servlet.testing.JettyTestServer;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.TestServer;
import java.time.Clock;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * Two Berth instances over one bucket, as two processes behind a load balancer would be: each its
 * own {@link S3Storage} (own client, own create-if-absent locks), its own {@link Registry} (own
 * caches, fence and locks) and its own Jetty on a loopback port. Nothing is shared but the bucket
 * and the root prefix.
 */
final class TwoInstances implements AutoCloseable {
  final S3Config config;
  final S3Storage storageA;
  final S3Storage storageB;
  final TestServer a;
  final TestServer b;
  final RegistryClient toA;
  final RegistryClient toB;

  private TwoInstances(S3Config config, S3Storage storageA, S3Storage storageB, TestServer a,
      TestServer b) {
    this.config = config;
    this.storageA = storageA;
    this.storageB = storageB;
    this.a = a;
    this.b = b;
    this.toA = new RegistryClient(a.url());
    this.toB = new RegistryClient(b.url());
  }

  /** Starts both over a fresh root prefix of {@code server}'s bucket, with 5 MiB parts. */
  static TwoInstances start(S3Server server, UnaryOperator<S3Config.Builder> settings)
      throws Exception {
    S3Config config = settings.apply(server.config("two-instances")
        .partSize(S3Config.MIN_PART_SIZE)).build();
    S3Storage storageA = S3Storage.open(config, Clock.systemUTC());
    S3Storage storageB = S3Storage.open(config, Clock.systemUTC());
    TestServer a = JettyTestServer.start(Registry.builder().storage(storageA).build());
    TestServer b = JettyTestServer.start(Registry.builder().storage(storageB).build());
    return new TwoInstances(config, storageA, storageB, a, b);
  }

  Registry registryA() {
    return a.registry();
  }

  Registry registryB() {
    return b.registry();
  }

  /** Stops both and removes everything under the prefix, multipart uploads included. */
  @Override
  public void close() throws Exception {
    a.close();
    b.close();
    a.registry().close();
    b.registry().close();
    for (String name : storageA.list("")) {
      storageA.delete(name);
    }
    storageA.discardAbandonedWrites(Instant.now().plusSeconds(60));
    storageA.close();
    storageB.close();
  }
}
