package dev.berth.registry.metrics;

import dev.berth.registry.storage.SizedStream;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.storage.StorageWriter;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link Storage} that times every call into the one it wraps and reports it as
 * {@link RegistryMetrics#storageAction}: two {@code System.nanoTime()} calls and a counter per
 * call. A streamed object reports its {@code writer} (opening it) and its {@code commit} apart:
 * the time in between is the client's body arriving, not the storage's.
 */
public final class MeasuredStorage implements Storage {

  private final Storage storage;
  private final String driver;
  private final RegistryMetrics metrics;

  private MeasuredStorage(Storage storage, String driver, RegistryMetrics metrics) {
    this.storage = storage;
    this.driver = driver;
    this.metrics = metrics;
  }

  /** {@code storage} timed under the label {@code driver}; itself when metrics are off. */
  public static Storage of(Storage storage, String driver, RegistryMetrics metrics) {
    return metrics == RegistryMetrics.NONE ? storage
        : new MeasuredStorage(storage, driver, metrics);
  }

  /** {@code storage} timed under the label {@link #driverOf its kind}. */
  public static Storage of(Storage storage, RegistryMetrics metrics) {
    return of(storage, driverOf(storage), metrics);
  }

  /** The storage's kind, for the {@code driver} label: its class name without "Storage". */
  public static String driverOf(Storage storage) {
    String name = storage.getClass().getSimpleName().replace("Storage", "");
    return name.isEmpty() ? "custom" : name.toLowerCase(java.util.Locale.ROOT);
  }

  private <T> T timed(String action, Supplier<T> call) {
    long start = System.nanoTime();
    try {
      return call.get();
    } finally {
      metrics.storageAction(driver, action, System.nanoTime() - start);
    }
  }

  private void timed(String action, Runnable call) {
    long start = System.nanoTime();
    try {
      call.run();
    } finally {
      metrics.storageAction(driver, action, System.nanoTime() - start);
    }
  }

  @Override
  public Optional<StorageEntry> stat(String path) {
    return timed("stat", () -> storage.stat(path));
  }

  @Override
  public Optional<StorageEntry> statObject(String path) {
    return timed("stat", () -> storage.statObject(path));
  }

  @Override
  public Optional<String> fingerprint(String path) {
    return timed("fingerprint", () -> storage.fingerprint(path));
  }

  @Override
  public InputStream open(String path, long offset) {
    return timed("open", () -> storage.open(path, offset));
  }

  @Override
  public SizedStream openSized(String path) {
    return timed("open", () -> storage.openSized(path));
  }

  @Override
  public byte[] read(String path) {
    return timed("read", () -> storage.read(path));
  }

  @Override
  public void write(String path, byte[] content) {
    timed("write", () -> storage.write(path, content));
  }

  @Override
  public void write(String path, byte[] content, boolean flush) {
    timed("write", () -> storage.write(path, content, flush));
  }

  @Override
  public boolean lostUnflushedWrites() {
    return storage.lostUnflushedWrites();
  }

  @Override
  public boolean writeIfAbsent(String path, byte[] content) {
    return timed("write", () -> storage.writeIfAbsent(path, content));
  }

  @Override
  public StorageWriter writer(String path) {
    return new Writer(timed("writer", () -> storage.writer(path)));
  }

  @Override
  public void move(String source, String target) {
    timed("move", () -> storage.move(source, target));
  }

  @Override
  public void move(List<String> sources, String target) {
    timed("move", () -> storage.move(sources, target));
  }

  @Override
  public int discardAbandonedWrites(Instant startedBefore) {
    return timed("discard", () -> storage.discardAbandonedWrites(startedBefore));
  }

  @Override
  public boolean delete(String path) {
    return timed("delete", () -> storage.delete(path));
  }

  @Override
  public void discard(String path) {
    timed("delete", () -> storage.discard(path));
  }

  @Override
  public List<String> list(String directory, String startAfter, int limit) {
    return timed("list", () -> storage.list(directory, startAfter, limit));
  }

  @Override
  public List<String> list(String directory) {
    return timed("list", () -> storage.list(directory));
  }

  @Override
  public List<String> listHolding(String directory, String relative) {
    return timed("list", () -> storage.listHolding(directory, relative));
  }

  @Override
  public void walk(String directory, Consumer<StorageEntry> visitor) {
    timed("walk", () -> storage.walk(directory, visitor));
  }

  @Override
  public boolean touch(String path) {
    return timed("touch", () -> storage.touch(path));
  }

  @Override
  public boolean touchIsCheap() {
    return storage.touchIsCheap();
  }

  @Override
  public Optional<URI> redirectUrl(String path) {
    return storage.redirectUrl(path);
  }

  @Override
  public void close() {
    storage.close();
  }

  @Override
  public String toString() {
    return storage.toString();
  }

  /** The wrapped storage's writer, its commits timed. */
  private final class Writer extends StorageWriter {
    private final StorageWriter writer;

    Writer(StorageWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      writer.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      writer.write(b, off, len);
    }

    @Override
    public void flush() throws java.io.IOException {
      writer.flush();
    }

    @Override
    public long size() {
      return writer.size();
    }

    @Override
    public void commit() {
      timed("commit", writer::commit);
    }

    @Override
    public void commitBeforeMove() {
      timed("commit", writer::commitBeforeMove);
    }

    @Override
    public boolean commitIfAbsent() {
      return timed("commit", writer::commitIfAbsent);
    }

    @Override
    public void cancel() {
      writer.cancel();
    }

    @Override
    public void close() {
      writer.close();
    }
  }
}
