package dev.berth.registry.oci;

import java.util.List;
import java.util.Objects;

/**
 * A failure the client caused or must hear about, carrying one or more spec errors. The HTTP layer
 * renders it as the {@code {"errors":[...]}} envelope with the first error's status.
 */
public class RegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** One entry of the error envelope; {@code detail} is any JSON value (gson tree or plain object). */
  public record Error(ErrorCode code, String message, Object detail) {
    public Error {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
    }
  }

  private final transient List<Error> errors;

  public RegistryException(ErrorCode code, String message) {
    this(List.of(new Error(code, message, null)));
  }

  public RegistryException(ErrorCode code, String message, Object detail) {
    this(List.of(new Error(code, message, detail)));
  }

  public RegistryException(List<Error> errors) {
    super(errors.get(0).message());
    this.errors = List.copyOf(errors);
  }

  public RegistryException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.errors = List.of(new Error(code, message, null));
  }

  public List<Error> errors() {
    return errors;
  }

  /** The code of the first error, which decides the HTTP status. */
  public ErrorCode code() {
    return errors.get(0).code();
  }

  public int httpStatus() {
    return code().httpStatus();
  }
}
