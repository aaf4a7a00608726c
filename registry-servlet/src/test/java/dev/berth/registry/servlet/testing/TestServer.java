package dev.berth.registry.servlet.testing;

import dev.berth.registry.Registry;
import java.net.URI;

/** A servlet container serving a {@link dev.berth.registry.servlet.BerthServlet} on a loopback port. */
public interface TestServer extends AutoCloseable {

  /** The base URL, ending in {@code /}. */
  URI url();

  Registry registry();

  /** {@code host:port}, as image references spell it. */
  default String authority() {
    return url().getAuthority();
  }

  @Override
  void close() throws Exception;

  /** Starts a container around a registry. */
  @FunctionalInterface
  interface Factory {
    TestServer start(Registry registry) throws Exception;
  }
}
