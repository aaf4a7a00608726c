package dev.berth.registry;

import dev.berth.registry.storage.StorageWriter;
import java.security.MessageDigest;
import java.util.concurrent.Executor;

/**
 * One request body on its way into a storage writer through a {@link DigestingSink}; subclasses
 * say what finishing means and whether a body that broke off keeps what arrived.
 */
abstract class BodyReceiver<T> extends UploadBody<T> {
  private final StorageWriter writer;
  private final DigestingSink sink;
  private boolean ended;

  BodyReceiver(StorageWriter writer, MessageDigest md, Executor digesters) {
    this.writer = writer;
    this.sink = new DigestingSink(writer, md, digesters);
  }

  abstract T complete(long received);

  /** By default nothing of a broken-off body is kept. */
  void keepPartial(long received) {
    writer.cancel();
  }

  @Override
  public long received() {
    return sink.count();
  }

  @Override
  public void write(byte[] b, int off, int len) {
    sink.write(b, off, len);
  }

  @Override
  public T finish() {
    ended = true;
    try {
      return complete(sink.finish());
    } finally {
      writer.cancel();
    }
  }

  @Override
  public void abort() {
    if (ended) {
      return;
    }
    ended = true;
    try {
      keepPartial(sink.finish());
    } catch (RuntimeException e) {
      writer.cancel();
    }
  }

  @Override
  public void close() {
    abort();
  }
}
