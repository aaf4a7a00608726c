package dev.berth.registry.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * An object opened from its start and its size in bytes ({@link Storage#openSized}): the size is
 * known before the first byte is read, so an HTTP answer can carry it as its length.
 */
public record SizedStream(InputStream in, long size) implements AutoCloseable {
  @Override
  public void close() throws IOException {
    in.close();
  }
}
