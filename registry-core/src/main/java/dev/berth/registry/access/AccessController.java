package dev.berth.registry.access;

import dev.berth.registry.oci.RegistryException;

/**
 * The one seam every request passes before a handler runs. Authentication and authorization plug
 * in here without touching handlers: throw {@link RegistryException} with {@code UNAUTHORIZED}
 * (the HTTP layer adds the challenge from {@link #challenge}) or {@code DENIED} to refuse.
 */
public interface AccessController {

  /** Allows everything: the default. */
  AccessController ALLOW_ALL = request -> {};

  /** Returns normally to allow; throws to refuse. */
  void authorize(AccessRequest request);

  /** The {@code WWW-Authenticate} value sent with a 401, if this controller has one. */
  default java.util.Optional<String> challenge(AccessRequest request) {
    return java.util.Optional.empty();
  }
}
