package dev.berth.registry.upstream;

/**
 * The upstream could not answer now: it is unreachable, refused the credentials, or failed. A
 * cache serves what it holds and retries later; a miss becomes {@code 503 UNAVAILABLE}.
 */
public class UpstreamUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UpstreamUnavailableException(String message) {
    super(message);
  }

  public UpstreamUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
