import dev.berth.registry.storage.FileSystemStorage;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import dev.berth.registry.storage.StorageWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An experiment for {@link WriteBack}, not Berth's code: a durable {@link FileSystemStorage} whose
 * streaming writer, every {@code step} bytes, asks a background thread to {@code force} what the
 * file holds so far, so that the disk writes the early parts of a large upload while the later
 * parts still arrive and the final {@code force} before the 201 waits only for the tail. With a
 * step of 0 it flushes only at the end, as Berth's own writer does (the control). Everything but
 * {@link #writer} is the durable storage's; placing a finished file repeats what Berth does (flush
 * the bytes, rename or link, flush the folders whose entries changed).
 */
final class WriteBackStorage implements Storage {
  private final FileSystemStorage delegate;
  private final Path root;
  private final Path temp;
  private final long step;
  private final ExecutorService flusher = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "early-write-back");
    t.setDaemon(true);
    return t;
  });
  /** Time spent in the last {@code force} before each commit, and how many. */
  final AtomicLong finalForceNanos = new AtomicLong();
  final AtomicLong finalForces = new AtomicLong();

  WriteBackStorage(Path root, long step) throws IOException {
    this.delegate = FileSystemStorage.at(root, Clock.systemUTC(), true);
    this.root = delegate.root();
    this.temp = Files.createDirectories(root.resolve(".writeback-tmp"));
    this.step = step;
  }

  @Override
  public StorageWriter writer(String path) {
    try {
      return new Writer(root.resolve(path), temp.resolve(UUID.randomUUID().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("write " + path, e);
    }
  }

  private final class Writer extends StorageWriter {
    private final Path target;
    private final Path file;
    private final FileChannel channel;
    private final OutputStream out;
    private long size;
    private long nextMark = step;
    private Future<?> pending;
    private boolean done;

    Writer(Path target, Path file) throws IOException {
      this.target = target;
      this.file = file;
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE);
      this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      size += len;
      if (step > 0 && size >= nextMark) {
        nextMark = size + step;
        // One flush in flight at a time: a slow disk gets fewer, larger ones.
        if (pending == null || pending.isDone()) {
          out.flush();
          pending = flusher.submit(() -> {
            channel.force(false);
            return null;
          });
        }
      }
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void commit() {
      finish();
      try {
        List<Path> created = createParents(target.getParent());
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        syncEntries(target, created);
      } catch (IOException e) {
        discard();
        throw new UncheckedIOException("commit " + target, e);
      }
    }

    @Override
    public boolean commitIfAbsent() {
      finish();
      try {
        List<Path> created = createParents(target.getParent());
        try {
          Files.createLink(target, file);
        } catch (FileAlreadyExistsException e) {
          return false;
        }
        syncEntries(target, created);
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException("commit " + target, e);
      } finally {
        discard();
      }
    }

    @Override
    public void cancel() {
      if (!done) {
        done = true;
        try {
          channel.close();
        } catch (IOException ignored) {
          // Removed next.
        }
      }
      discard();
    }

    private void finish() {
      done = true;
      try (channel) {
        out.flush();
        if (pending != null) {
          pending.get();
        }
        long start = System.nanoTime();
        channel.force(false);
        finalForceNanos.addAndGet(System.nanoTime() - start);
        finalForces.incrementAndGet();
      } catch (Exception e) {
        discard();
        throw new IllegalStateException("write " + target, e);
      }
    }

    private void discard() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // Left for the experiment's clean-up.
      }
    }
  }

  private static List<Path> createParents(Path dir) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.add(0, p);
    }
    List<Path> created = new ArrayList<>();
    for (Path p : missing) {
      try {
        Files.createDirectory(p);
        created.add(p);
      } catch (FileAlreadyExistsException raced) {
        // Another writer made it.
      }
    }
    return created;
  }

  private static void syncEntries(Path placed, List<Path> created) throws IOException {
    syncDirectory(placed.getParent());
    for (int i = created.size() - 1; i >= 0; i--) {
      syncDirectory(created.get(i).getParent());
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  // Everything else is the durable storage's.

  @Override
  public Optional<StorageEntry> stat(String path) {
    return delegate.stat(path);
  }

  @Override
  public InputStream open(String path, long offset) {
    return delegate.open(path, offset);
  }

  @Override
  public void write(String path, byte[] content) {
    delegate.write(path, content);
  }

  @Override
  public void write(String path, byte[] content, boolean flush) {
    delegate.write(path, content, flush);
  }

  @Override
  public boolean lostUnflushedWrites() {
    return delegate.lostUnflushedWrites();
  }

  @Override
  public boolean writeIfAbsent(String path, byte[] content) {
    return delegate.writeIfAbsent(path, content);
  }

  @Override
  public void move(String source, String target) {
    delegate.move(source, target);
  }

  @Override
  public boolean delete(String path) {
    return delegate.delete(path);
  }

  @Override
  public List<String> list(String directory, String startAfter, int limit) {
    return delegate.list(directory, startAfter, limit);
  }

  @Override
  public void walk(String directory, Consumer<StorageEntry> visitor) {
    delegate.walk(directory, visitor);
  }

  @Override
  public boolean touch(String path) {
    return delegate.touch(path);
  }

  @Override
  public void close() {
    flusher.shutdownNow();
    delegate.close();
  }
}
