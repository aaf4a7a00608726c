package dev.berth.jetty;

import dev.berth.registry.Registry;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * An address taken by {@link BerthServer.Builder#bind()}, not served yet: the launcher binds
 * first, so that "address already in use" is reported before the registry indexes any data.
 */
public final class BoundServer implements AutoCloseable {
  private final BerthServer.Builder builder;
  private final JettyAssembly assembly;
  private boolean done;

  BoundServer(BerthServer.Builder builder, JettyAssembly assembly) {
    this.builder = builder;
    this.assembly = assembly;
  }

  /** The address really bound (the port chosen when 0 was asked for). */
  public InetSocketAddress address() {
    return JettyAssembly.address(assembly.connector());
  }

  /** Serves {@code registry} on the bound address; on failure the address is released. */
  public BerthServer start(Registry registry) {
    if (done) {
      throw new IllegalStateException("already started or closed");
    }
    done = true;
    return assembly.start(builder, Objects.requireNonNull(registry, "registry"));
  }

  /** Releases the address unless it was started. */
  @Override
  public void close() {
    if (!done) {
      done = true;
      assembly.release();
    }
  }
}
