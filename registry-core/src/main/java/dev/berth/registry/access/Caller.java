package dev.berth.registry.access;

import java.util.Optional;

/**
 * Who is asking, as far as the transport knows.
 *
 * @param principal the name the container authenticated, if any
 * @param authorization the raw {@code Authorization} header, if any, for token schemes
 * @param remoteAddress the peer's address
 */
public record Caller(Optional<String> principal, Optional<String> authorization,
    String remoteAddress) {

  public static Caller anonymous(String remoteAddress) {
    return new Caller(Optional.empty(), Optional.empty(), remoteAddress);
  }
}
