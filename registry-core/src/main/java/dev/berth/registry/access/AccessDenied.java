package dev.berth.registry.access;

import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import java.util.Optional;

/**
 * A refusal by the {@link AccessController}, carrying what the answer needs: {@code UNAUTHORIZED}
 * (401) with the {@code WWW-Authenticate} value to send, or {@code DENIED} (403). The controller
 * that authenticated the caller knows the right challenge (a Basic realm; a Bearer challenge with
 * the scopes and {@code error="insufficient_scope"}), so it travels with the refusal and the
 * credentials are checked once per request.
 */
public final class AccessDenied extends RegistryException {

  private static final long serialVersionUID = 1L;

  private final String challenge;

  private AccessDenied(ErrorCode code, String message, Object detail, String challenge) {
    super(code, message, detail);
    this.challenge = challenge;
  }

  /**
   * 401: the caller must (re)authenticate.
   *
   * @param challenge the {@code WWW-Authenticate} value; empty to send none
   * @param detail the envelope's {@code detail} (distribution lists the access records), or null
   */
  public static AccessDenied unauthorized(String message, Optional<String> challenge,
      Object detail) {
    return new AccessDenied(ErrorCode.UNAUTHORIZED, message, detail, challenge.orElse(null));
  }

  /** 403: the caller is known and may not do this; credentials would not help. */
  public static AccessDenied denied(String message, Object detail) {
    return new AccessDenied(ErrorCode.DENIED, message, detail, null);
  }

  /** The {@code WWW-Authenticate} value of a 401, if any. */
  public Optional<String> challenge() {
    return Optional.ofNullable(challenge);
  }
}
