package dev.berth.registry;

import dev.berth.registry.oci.RegistryException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A request body received by another body, followed by a step once it is whole: a closing upload
 * request's last chunk, then the completion of the session.
 *
 * @param <A> what the inner body answers
 * @param <B> what the step makes of it
 */
final class ChainedBody<A, B> extends UploadBody<B> {
  private final UploadBody<A> inner;
  private final Function<A, B> then;
  private final Consumer<RegistryException> refused;

  /**
   * @param refused told when the inner body refuses what it received (length, range or digest),
   *     so that the step's state can be cleared where the step itself would clear it
   */
  ChainedBody(UploadBody<A> inner, Function<A, B> then, Consumer<RegistryException> refused) {
    this.inner = inner;
    this.then = then;
    this.refused = refused;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    inner.write(b, off, len);
  }

  @Override
  public long received() {
    return inner.received();
  }

  @Override
  public B finish() {
    A received;
    try {
      received = inner.finish();
    } catch (RegistryException e) {
      refused.accept(e);
      throw e;
    }
    return then.apply(received);
  }

  @Override
  public void abort() {
    inner.abort();
  }

  @Override
  public void close() {
    inner.close();
  }
}
