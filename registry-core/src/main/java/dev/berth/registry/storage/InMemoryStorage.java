package dev.berth.registry.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * {@link Storage} in the heap, for tests and short-lived embedded registries. Objects are byte arrays
 * in a sorted concurrent map; directories are implied by the paths, as on an object store.
 */
public final class InMemoryStorage implements Storage {

  private record Blob(byte[] bytes, Instant modified) {}

  private final ConcurrentSkipListMap<String, Blob> objects = new ConcurrentSkipListMap<>();
  private final Clock clock;

  private InMemoryStorage(Clock clock) {
    this.clock = clock;
  }

  /** An empty storage aging objects by the wall clock. */
  public static InMemoryStorage create() {
    return new InMemoryStorage(Clock.systemUTC());
  }

  /** An empty storage whose modification times come from {@code clock}. */
  public static InMemoryStorage create(Clock clock) {
    return new InMemoryStorage(clock);
  }

  @Override
  public Optional<StorageEntry> stat(String path) {
    PathSyntax.check(path);
    Blob blob = objects.get(path);
    if (blob != null) {
      return Optional.of(new StorageEntry(path, blob.bytes.length, blob.modified, false));
    }
    String prefix = path.isEmpty() ? "" : path + "/";
    Map.Entry<String, Blob> first = objects.ceilingEntry(prefix);
    if (first != null && first.getKey().startsWith(prefix)) {
      return Optional.of(new StorageEntry(path, 0, first.getValue().modified, true));
    }
    return Optional.empty();
  }

  @Override
  public InputStream open(String path, long offset) {
    byte[] bytes = get(path).bytes;
    int start = (int) Math.min(Math.max(offset, 0), bytes.length);
    return new ByteArrayInputStream(bytes, start, bytes.length - start);
  }

  @Override
  public byte[] read(String path) {
    return get(path).bytes.clone();
  }

  @Override
  public void write(String path, byte[] content) {
    checkWritable(path);
    objects.put(path, new Blob(content.clone(), clock.instant()));
  }

  @Override
  public boolean writeIfAbsent(String path, byte[] content) {
    checkWritable(path);
    return objects.putIfAbsent(path, new Blob(content.clone(), clock.instant())) == null;
  }

  @Override
  public StorageWriter writer(String path) {
    checkWritable(path);
    return new StorageWriter() {
      private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      private boolean done;

      @Override
      public void write(int b) {
        buffer.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        buffer.write(b, off, len);
      }

      @Override
      public long size() {
        return buffer.size();
      }

      @Override
      public void commit() {
        finish();
        objects.put(path, new Blob(buffer.toByteArray(), clock.instant()));
      }

      @Override
      public boolean commitIfAbsent() {
        finish();
        return objects.putIfAbsent(path, new Blob(buffer.toByteArray(), clock.instant())) == null;
      }

      @Override
      public void cancel() {
        done = true;
      }

      private void finish() {
        if (done) {
          throw new IllegalStateException("writer for " + path + " already finished");
        }
        done = true;
      }
    };
  }

  @Override
  public void move(String source, String target) {
    checkWritable(target);
    Blob blob = objects.get(PathSyntax.check(source));
    if (blob == null) {
      throw new ObjectNotFoundException(source);
    }
    objects.put(target, new Blob(blob.bytes, clock.instant()));
    objects.remove(source, blob);
  }

  /** Joins the byte arrays: the bytes are here already, no stream needed. */
  @Override
  public void move(List<String> sources, String target) {
    checkWritable(target);
    if (sources.contains(target)) {
      throw new IllegalArgumentException("move " + sources + " onto one of them: " + target);
    }
    List<Blob> blobs = new ArrayList<>(sources.size());
    int size = 0;
    for (String source : sources) {
      Blob blob = get(source);
      blobs.add(blob);
      size = Math.addExact(size, blob.bytes.length);
    }
    byte[] joined = new byte[size];
    int at = 0;
    for (Blob blob : blobs) {
      System.arraycopy(blob.bytes, 0, joined, at, blob.bytes.length);
      at += blob.bytes.length;
    }
    objects.put(target, new Blob(joined, clock.instant()));
    for (int i = 0; i < sources.size(); i++) {
      objects.remove(sources.get(i), blobs.get(i));
    }
  }

  @Override
  public boolean delete(String path) {
    PathSyntax.check(path);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("refusing to delete the storage root");
    }
    boolean deleted = objects.remove(path) != null;
    NavigableMap<String, Blob> under = subtree(path + "/");
    if (!under.isEmpty()) {
      deleted = true;
      under.clear();
    }
    return deleted;
  }

  @Override
  public List<String> list(String directory, String startAfter, int limit) {
    PathSyntax.check(directory);
    String prefix = directory.isEmpty() ? "" : directory + "/";
    // Keys sort by "name/...", which is not the order of the names themselves ("a-b/x" < "a/x" but
    // "a" < "a-b"), so collect the names and sort them.
    java.util.TreeSet<String> names = new java.util.TreeSet<>();
    String key = objects.ceilingKey(startAfter == null ? prefix : prefix + startAfter + "\0");
    while (key != null && key.startsWith(prefix)) {
      String remainder = key.substring(prefix.length());
      int slash = remainder.indexOf('/');
      String name = slash < 0 ? remainder : remainder.substring(0, slash);
      if (startAfter == null || name.compareTo(startAfter) > 0) {
        names.add(name);
      }
      // Skip everything under this name: '0' is the character after '/'.
      key = objects.ceilingKey(slash < 0 ? key + "\0" : prefix + name + "0");
    }
    List<String> result = new ArrayList<>(Math.min(names.size(), limit));
    for (String name : names) {
      if (result.size() >= limit) {
        break;
      }
      result.add(name);
    }
    return result;
  }

  @Override
  public void walk(String directory, Consumer<StorageEntry> visitor) {
    PathSyntax.check(directory);
    String prefix = directory.isEmpty() ? "" : directory + "/";
    for (Map.Entry<String, Blob> e : subtree(prefix).entrySet()) {
      visitor.accept(new StorageEntry(e.getKey(), e.getValue().bytes.length, e.getValue().modified,
          false));
    }
  }

  @Override
  public boolean touch(String path) {
    PathSyntax.check(path);
    Blob updated = objects.computeIfPresent(path, (k, b) -> new Blob(b.bytes, clock.instant()));
    return updated != null;
  }

  @Override
  public String toString() {
    return "in-memory storage (" + objects.size() + " objects)";
  }

  private NavigableMap<String, Blob> subtree(String prefix) {
    if (prefix.isEmpty()) {
      return objects;
    }
    // Every key that starts with prefix lies in [prefix, prefix with its last char incremented).
    String end = prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
    return objects.subMap(prefix, true, end, false);
  }

  private Blob get(String path) {
    Blob blob = objects.get(PathSyntax.check(path));
    if (blob == null) {
      throw new ObjectNotFoundException(path);
    }
    return blob;
  }

  private void checkWritable(String path) {
    PathSyntax.check(path);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("cannot write the root");
    }
  }
}
