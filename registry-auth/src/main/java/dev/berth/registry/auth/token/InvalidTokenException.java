package dev.berth.registry.auth.token;

/**
 * A token that does not verify. The message says why, for the registry's log and for tests; it
 * never contains the token. Clients only ever see {@code error="invalid_token"}.
 */
public final class InvalidTokenException extends Exception {

  private static final long serialVersionUID = 1L;

  InvalidTokenException(String message) {
    super(message);
  }

  InvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
