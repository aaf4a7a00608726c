package dev.berth.registry;

import java.io.OutputStream;

/**
 * Receives the body of one upload request, as it arrives, and then ends it. A container that reads
 * bodies without blocking a thread (a servlet's {@code ReadListener}) writes each piece as it comes;
 * the {@code InputStream} methods of {@link UploadService} do the same in a loop.
 *
 * <p>Exactly one of {@link #finish()} and {@link #abort()} ends it; closing without either aborts.
 *
 * @param <T> what finishing answers
 */
public abstract class UploadBody<T> extends OutputStream {

  /** Takes the next bytes of the body; storage failures are unchecked. */
  @Override
  public abstract void write(byte[] b, int off, int len);

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  /** The bytes received so far. */
  public abstract long received();

  /**
   * The whole body arrived: checks it against what the request declared, stores it, and says what
   * the session or blob is now.
   *
   * @throws dev.berth.registry.oci.RegistryException when the body does not match its declared
   *     length, range or digest (nothing of it is kept then)
   */
  public abstract T finish();

  /**
   * The body broke off (the client went away or was too slow). A chunk keeps what arrived, so that
   * the session holds it and the client resumes after it; a whole-blob push keeps nothing.
   */
  public abstract void abort();

  /** Aborts unless finished or aborted already. */
  @Override
  public abstract void close();
}
