package dev.berth.registry.s3;

import dev.berth.registry.Registry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Registries on S3 storage for registry-servlet's HTTP suites: one S3Proxy per test class (its
 * start costs about a second, a test a few milliseconds) and a fresh root prefix per registry, so
 * that tests never see each other's objects. Parts are 5 MiB, the smallest S3 allows, so that the
 * suites' larger uploads take the multipart paths. What a test opened is closed after its
 * {@code @AfterEach}, which stops the server first.
 *
 * <p>Used as {@code @RegisterExtension static final S3ProxyRegistries S3 = ...} beside an
 * override of {@code newRegistry()} that returns {@link #newRegistry}.
 */
final class S3ProxyRegistries implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
  private final String prefixHint;
  private final List<Registry> opened = new ArrayList<>();
  private S3ProxyServer proxy;

  private S3ProxyRegistries(String prefixHint) {
    this.prefixHint = prefixHint;
  }

  /** Registries whose root prefixes start with {@code prefixHint}, for a reader of the bucket. */
  static S3ProxyRegistries named(String prefixHint) {
    return new S3ProxyRegistries(prefixHint);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    proxy = S3ProxyServer.start();
  }

  /** A registry over a fresh root prefix of this class's S3Proxy bucket. */
  Registry newRegistry() {
    return newRegistry(List.of());
  }

  /** The same, its storage's requests seen by {@code interceptors} (a {@link RequestLog}). */
  Registry newRegistry(List<ExecutionInterceptor> interceptors) {
    S3Config config = proxy.server().config(prefixHint).partSize(S3Config.MIN_PART_SIZE).build();
    S3Storage storage = S3Storage.open(config, Clock.systemUTC(), interceptors,
        S3Copies.COPY_LIMIT);
    Registry registry = Registry.builder().storage(storage).build();
    opened.add(registry);
    return registry;
  }

  /** The S3Proxy of the running class. */
  S3Server server() {
    return proxy.server();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    // Registry.close() leaves a storage it was handed open: close both.
    for (Registry registry : opened) {
      registry.close();
      registry.storage().close();
    }
    opened.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (proxy != null) {
      proxy.close();
    }
  }
}
