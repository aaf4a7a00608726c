package dev.berth.registry.referrers;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.Striped;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.DescriptorJson;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageWriter;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.metrics.RegistryMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;

/**
 * A {@link ReferrersIndex} kept in {@link Storage}, beside the repository it describes
 * ({@code _referrers/subjects/<alg>/<hex>/}, see {@link StoragePaths}), so that it survives
 * restarts and is shared by every instance on the same storage.
 *
 * <p>Each entry is one small object holding the referrer's descriptor, so concurrent writers never
 * overwrite each other's entries. Every change also rewrites the subject's {@code generation}
 * object with a fresh random value. Readers keep a subject's entries in memory, sorted, together with
 * the generation they were loaded under; a page costs one read of the generation object and a walk
 * of the in-memory map (the same for 10 referrers as for 100,000). When the generation differs, the
 * subject is loaded again from its entries.
 *
 * <p>Why this is safe with several instances: a writer writes its entry before the new
 * generation; a reader reads the generation before listing entries. A reader that sees generation
 * g therefore lists at least every entry written before g, and any later change writes a new
 * generation, which the next reader notices.
 *
 * <p>A subject with many referrers is loaded from one {@code snapshot} object when the snapshot
 * was taken at the current generation; a reader that had to read the entries one by one writes a
 * new snapshot for the next cold start. Writers never touch snapshots: a change makes the
 * snapshot stale simply by changing the generation.
 */
public final class StorageReferrersIndex implements ReferrersIndex {

  private record Key(RepositoryName repository, Digest subject) {}

  private record Loaded(byte[] generation, SubjectReferrers referrers) {}

  /** Subjects with at least this many referrers get a snapshot. */
  static final int SNAPSHOT_THRESHOLD = 500;


  private final Storage storage;
  private final RegistryMetrics metrics;
  private final Cache<Key, Loaded> loaded;
  private final Striped<Lock> writeLocks = Striped.lock(64);

  /**
   * The default bound of the cache of loaded subjects: three eighths of the heap, at most 64 MiB.
   * A subject with 100,000 referrers takes about 45 MB and must fit whole, or every page of it is
   * read from its snapshot again; with {@code bin/berth}'s 128 MiB heap it does.
   */
  public static final long DEFAULT_CACHE_BYTES = defaultCacheBytes();

  /**
   * @param cacheBytes about how many bytes of heap the loaded subjects may hold together (an entry
   *     takes some 400 to 500 bytes; a subject that does not fit is read from storage per page)
   */
  public StorageReferrersIndex(Storage storage, long cacheBytes) {
    this(storage, cacheBytes, RegistryMetrics.NONE);
  }

  /**
   * @param cacheBytes as above
   * @param metrics told whether each listing found its subject loaded (a hit) or loaded it
   */
  public StorageReferrersIndex(Storage storage, long cacheBytes, RegistryMetrics metrics) {
    this.storage = storage;
    this.metrics = metrics;
    // One segment: Guava splits the weight between segments, and a large subject must fit whole.
    this.loaded = CacheBuilder.newBuilder()
        .concurrencyLevel(1)
        .maximumWeight(Math.max(cacheBytes, 1))
        .<Key, Loaded>weigher((k, v) -> 64 + v.generation.length + v.referrers.bytes())
        .build();
  }

  /** With a cache of {@link #DEFAULT_CACHE_BYTES}. */
  public StorageReferrersIndex(Storage storage) {
    this(storage, DEFAULT_CACHE_BYTES);
  }

  /**
   * Logs a warning. The logger is looked up here, not in a static field: the first
   * {@code System.getLogger} sets up the platform's logging (java.util.logging, some 150 classes
   * and a read of its configuration), and {@link #DEFAULT_CACHE_BYTES} makes every registry
   * builder initialise this class, an in-memory one's too.
   */
  private static void warn(String message) {
    System.getLogger(StorageReferrersIndex.class.getName())
        .log(System.Logger.Level.WARNING, message);
  }

  private static long defaultCacheBytes() {
    return Math.max(4L << 20, Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8 * 3));
  }

  @Override
  public void add(RepositoryName repository, Digest subject, Descriptor referrer) {
    addAll(repository, subject, List.of(referrer));
  }

  /**
   * Writes every entry whose stored bytes differ, then one new generation (a rebuild adds
   * thousands at once). Entries already stored exactly so cost a read and no write, so a repair or
   * a rebuild that re-adds what is there changes nothing.
   */
  @Override
  public void addAll(RepositoryName repository, Digest subject,
      java.util.Collection<Descriptor> referrers) {
    if (referrers.isEmpty()) {
      return;
    }
    Key key = new Key(repository, subject);
    Lock lock = writeLocks.get(key);
    lock.lock();
    try {
      boolean changed = false;
      for (Descriptor referrer : referrers) {
        String path = StoragePaths.referrersEntry(repository, subject, referrer.digest());
        byte[] bytes = DescriptorJson.toBytes(referrer);
        if (!Arrays.equals(bytes, readIfPresent(path))) {
          storage.write(path, bytes, false);
          changed = true;
        }
      }
      if (changed || storage.stat(StoragePaths.referrersGeneration(repository, subject))
          .isEmpty()) {
        newGeneration(repository, subject);
      }
    } finally {
      loaded.invalidate(key);
      lock.unlock();
    }
  }

  private byte[] readIfPresent(String path) {
    try {
      return storage.read(path);
    } catch (ObjectNotFoundException e) {
      return null;
    }
  }

  @Override
  public void remove(RepositoryName repository, Digest subject, Digest referrer) {
    Key key = new Key(repository, subject);
    Lock lock = writeLocks.get(key);
    lock.lock();
    try {
      if (storage.delete(StoragePaths.referrersEntry(repository, subject, referrer))) {
        newGeneration(repository, subject);
      }
    } finally {
      loaded.invalidate(key);
      lock.unlock();
    }
  }

  @Override
  public ReferrersPage list(RepositoryName repository, Digest subject, String artifactType,
      Digest after, int limit) {
    byte[] generation;
    try {
      generation = storage.read(StoragePaths.referrersGeneration(repository, subject));
    } catch (ObjectNotFoundException e) {
      // No generation: no referrers, unless a writer was killed between its first entry and the
      // generation. Then start one (unless another writer did meanwhile) and read again.
      if (storage.list(StoragePaths.referrersEntries(repository, subject), null, 1).isEmpty()) {
        return ReferrersPage.empty();
      }
      storage.writeIfAbsent(StoragePaths.referrersGeneration(repository, subject),
          UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
      return list(repository, subject, artifactType, after, limit);
    }
    Key key = new Key(repository, subject);
    Loaded current = loaded.getIfPresent(key);
    boolean hit = current != null && Arrays.equals(current.generation, generation);
    metrics.referrersLookup(hit);
    if (!hit) {
      // One load of a subject at a time, under its write lock: a large subject takes tens of
      // megabytes, which requests arriving together would each build. The stale copy goes first.
      Lock lock = writeLocks.get(key);
      lock.lock();
      try {
        current = loaded.getIfPresent(key);
        if (current == null || !Arrays.equals(current.generation, generation)) {
          loaded.invalidate(key);
          current = new Loaded(generation, loadSubject(repository, subject, generation));
          loaded.put(key, current);
        }
      } finally {
        lock.unlock();
      }
    }
    return current.referrers.page(artifactType, after, limit);
  }

  /** Visits entries by their names alone: no entry is read, so a corrupt one is visited too. */
  @Override
  public void forEach(RepositoryName repository, BiConsumer<Digest, Digest> visitor) {
    String root = StoragePaths.referrersDirectory(repository) + "/subjects";
    storage.walk(root, entry -> {
      String[] parts = entry.path().substring(root.length() + 1).split("/");
      // <alg>/<hex>/entries/<alg>-<hex>
      Digest subject = parts.length == 4 && parts[2].equals("entries")
          ? Digest.tryParse(parts[0] + ":" + parts[1]) : null;
      Digest referrer = subject == null ? null : StoragePaths.digestOfEntryName(parts[3]);
      if (referrer != null) {
        visitor.accept(subject, referrer);
      }
    });
  }

  @Override
  public boolean persistent() {
    return true;
  }

  /** What the cache of loaded subjects holds; a walk of the cache, for a scrape. */
  @Override
  public Stats stats() {
    long subjects = 0;
    long entries = 0;
    long bytes = 0;
    for (Loaded l : loaded.asMap().values()) {
      subjects++;
      entries += l.referrers.size();
      bytes += 64 + l.generation.length + l.referrers.bytes();
    }
    return new Stats(subjects, entries, bytes);
  }

  @Override
  public void clear(RepositoryName repository) {
    storage.delete(StoragePaths.referrersDirectory(repository));
    loaded.asMap().keySet().removeIf(k -> k.repository.equals(repository));
  }

  /** From the snapshot when it is of this generation; else from the entries (then snapshot them). */
  private SubjectReferrers loadSubject(RepositoryName repository, Digest subject,
      byte[] generation) {
    String snapshotPath = StoragePaths.referrersSnapshot(repository, subject);
    // Streamed both ways: a snapshot of 100,000 referrers is some 30 MB, not held beside them.
    try (InputStream in = storage.open(snapshotPath, 0)) {
      SubjectReferrers fromSnapshot = Snapshots.read(in, generation);
      if (fromSnapshot != null) {
        return fromSnapshot;
      }
    } catch (ObjectNotFoundException noSnapshot) {
      // Read the entries.
    } catch (IOException | UncheckedIOException unreadable) {
      warn("reading the referrers snapshot of " + subject + " in "
          + repository + " failed; reading its entries: " + unreadable);
    }
    SubjectReferrers referrers = load(repository, subject);
    if (referrers.size() >= SNAPSHOT_THRESHOLD) {
      try (StorageWriter out = storage.writer(snapshotPath)) {
        Snapshots.write(out, generation, referrers);
        out.commit();
      } catch (IOException | RuntimeException e) {
        // Derived data for the next cold start: the listing goes on without it.
        warn("cannot write the referrers snapshot of " + subject
            + " in " + repository + ": " + e);
      }
    }
    return referrers;
  }

  /**
   * Reads a subject's entries one by one. An entry that cannot be read as a descriptor of the
   * referrer its name says (a torn or hand-edited file) is skipped and logged: the listing shows
   * the others, and {@code reindex} rewrites it from the manifest.
   */
  private SubjectReferrers load(RepositoryName repository, Digest subject) {
    SubjectReferrers referrers = new SubjectReferrers();
    String entries = StoragePaths.referrersEntries(repository, subject);
    for (String name : storage.list(entries)) {
      String path = entries + "/" + name;
      try {
        Descriptor d = DescriptorJson.fromBytes(storage.read(path), "referrers entry " + path);
        if (!d.digest().equals(StoragePaths.digestOfEntryName(name))) {
          throw new RegistryException(ErrorCode.MANIFEST_INVALID, "referrers entry " + path
              + " holds the descriptor of " + d.digest());
        }
        referrers.put(d);
      } catch (ObjectNotFoundException removedMeanwhile) {
        // Removed after the listing; its removal wrote a new generation.
      } catch (RegistryException corrupt) {
        warn("skipping an unreadable referrers entry of " + subject
            + " in " + repository + " (run reindex to rebuild it): " + corrupt.getMessage());
      }
    }
    return referrers;
  }

  private void newGeneration(RepositoryName repository, Digest subject) {
    storage.write(StoragePaths.referrersGeneration(repository, subject),
        UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), false);
  }
}
