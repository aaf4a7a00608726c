package dev.berth.registry.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An open blob body from an upstream: its declared size (-1 when the upstream did not say) and
 * the stream, which the receiver closes.
 */
public record UpstreamBlob(long size, InputStream stream) implements AutoCloseable {

  public UpstreamBlob {
    Objects.requireNonNull(stream, "stream");
  }

  @Override
  public void close() throws IOException {
    stream.close();
  }
}
