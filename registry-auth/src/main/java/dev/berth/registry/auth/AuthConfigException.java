package dev.berth.registry.auth;

/**
 * A configuration file (htpasswd, policy, keys) that cannot be used. Its message names the file
 * and, where there is one, the line or entry; it never contains a password, hash or key. The
 * registry answers requests it cannot decide with an error rather than guessing (fail closed).
 */
public class AuthConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public AuthConfigException(String message) {
    super(message);
  }

  public AuthConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
