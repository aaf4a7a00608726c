package dev.berth.junit5;

import dev.berth.registry.Registry;
import java.net.URI;
import dev.berth.jetty.TlsCertificate;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The running registry, as a test or lifecycle method receives it:
 *
 * <pre>{@code
 * @Test
 * void pushes(BerthRuntimeInfo berth) {
 *   String image = berth.authority() + "/app:1";   // 127.0.0.1:38211/app:1
 *   ...
 *   berth.journal().verify(RequestPattern.put(Route.MANIFEST));
 * }
 * }</pre>
 */
public final class BerthRuntimeInfo {

  private final URI url;
  private final Supplier<Registry> registry;
  private final RequestJournal journal;
  private final TlsCertificate certificate;

  BerthRuntimeInfo(URI url, Supplier<Registry> registry, RequestJournal journal,
      TlsCertificate certificate) {
    this.url = Objects.requireNonNull(url);
    this.registry = registry;
    this.journal = journal;
    this.certificate = certificate;
  }

  /**
   * With {@code tls}: the certificate the registry serves, and what a client needs to trust it
   * ({@link TlsCertificate#sslContext()}, {@link TlsCertificate#pem()}).
   */
  public Optional<TlsCertificate> tlsCertificate() {
    return Optional.ofNullable(certificate);
  }

  /** The base URL, e.g. {@code http://127.0.0.1:38211/}. */
  public URI url() {
    return url;
  }

  /** {@code host:port}, the form image references use ({@code 127.0.0.1:38211/app:1}). */
  public String authority() {
    return url.getAuthority();
  }

  /**
   * The registry being served, to seed content and check what was stored without HTTP. With
   * content reset between tests, each test sees a new one: ask for it in the test, do not keep it.
   */
  public Registry registry() {
    return registry.get();
  }

  /** The requests served during the current test. */
  public RequestJournal journal() {
    return journal;
  }

  @Override
  public String toString() {
    return "Berth test registry at " + url;
  }
}
