package dev.berth.registry;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.berth.registry.gc.CollectionInProgressException;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Lets one garbage collection run at a time over a storage, whichever instance starts it
 * (docs/design/gc.md, "One collector"). The lease is an object per generation,
 * {@code _berth/gc/lease/<generation, 20 digits>}, holding its owner and when it expires; the
 * highest generation is the lease. A collection takes it by creating the next generation with
 * {@link Storage#writeIfAbsent} when there is none or the highest has expired, renews it every
 * {@link #RENEW_EVERY} while it runs, and deletes it at the end.
 *
 * <p>Creating the next generation is a compare-and-set: of two instances that both find the lease
 * lapsed, one creates generation n+1 and the other is refused, on every store whose
 * create-if-absent is atomic (the file system; S3 with conditional writes, Ceph RGW included).
 * With check-then-write (an S3 store without conditional writes) two instances may both be told
 * they created it; each reads it back and the one whose owner is not there gives up, but a reader
 * that came too early holds too until its next renewal finds the other owner. Two collections at
 * once waste work and never lose data: each deletes only what it re-checked (gc.md).
 */
final class GcLease implements AutoCloseable {
  /** How long a lease lasts unless renewed: how long a dead collector blocks the next one. */
  static final Duration TERM = Duration.ofMinutes(2);
  static final Duration RENEW_EVERY = Duration.ofSeconds(30);
  private static final int ATTEMPTS = 5;

  private record Holder(String owner, Instant expires) {}

  /**
   * Where a lease's generations live and how long they last: the collection's, or another task
   * that one instance at a time must do (an endpoint's webhook delivery, docs/design/webhooks.md).
   */
  record Kind(String directory, String task, Duration term, Duration renewEvery) {
    static final Kind COLLECTION = new Kind(StoragePaths.gcLeaseDirectory(), "collection", TERM,
        RENEW_EVERY);

    String path(long generation) {
      return directory + "/" + String.format("%020d", generation);
    }
  }

  private final Storage storage;
  private final Clock clock;
  private final Kind kind;
  private final String owner;
  private final long generation;
  private Instant renewedAt;

  private GcLease(Storage storage, Clock clock, Kind kind, String owner, long generation,
      Instant now) {
    this.storage = storage;
    this.clock = clock;
    this.kind = kind;
    this.owner = owner;
    this.generation = generation;
    this.renewedAt = now;
  }

  /**
   * Takes the lease.
   *
   * @throws CollectionInProgressException when another collection holds it
   */
  static GcLease acquire(Storage storage, Clock clock) {
    return acquire(storage, clock, Kind.COLLECTION);
  }

  /**
   * Takes a lease of {@code kind}.
   *
   * @throws CollectionInProgressException when another instance holds it
   */
  static GcLease acquire(Storage storage, Clock clock, Kind kind) {
    String owner = host() + " pid " + ProcessHandle.current().pid() + " " + kind.task() + " "
        + UUID.randomUUID().toString().substring(0, 8);
    Duration term = kind.term();
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      List<Long> generations = generations(storage, kind);
      long top = generations.isEmpty() ? 0 : generations.get(generations.size() - 1);
      Instant now = clock.instant();
      if (top > 0) {
        Optional<Holder> holder = read(storage, kind, top);
        if (holder.isEmpty()) {
          continue; // released or taken over since the listing: look again
        }
        if (holder.get().expires().isAfter(now)) {
          throw busy(holder.get());
        }
      }
      long mine = top + 1;
      if (!storage.writeIfAbsent(kind.path(mine), json(owner, now.plus(term)))) {
        throw busy(read(storage, kind, mine).orElse(new Holder("another " + kind.task(),
            now.plus(term))));
      }
      Holder written = read(storage, kind, mine).orElse(null);
      if (written == null || !written.owner().equals(owner)) {
        // Check-then-write across instances: another instance's create came after ours.
        throw busy(written != null ? written : new Holder("another " + kind.task(),
            now.plus(term)));
      }
      for (long older : generations) {
        storage.delete(kind.path(older));
      }
      return new GcLease(storage, clock, kind, owner, mine, now);
    }
    throw new CollectionInProgressException("the garbage collection lease changed hands "
        + ATTEMPTS + " times while this collection tried to take it", "another collection",
        clock.instant().plus(term));
  }

  /** Who this collection is, for the records it leaves ({@link SweepIntents}). */
  String owner() {
    return owner;
  }

  /**
   * Renews the lease when due. Thread-safe; cheap when not due (a clock read).
   *
   * @throws CollectionInProgressException when another collection has taken the lease over
   */
  synchronized void check() {
    Instant now = clock.instant();
    if (now.isBefore(renewedAt.plus(kind.renewEvery()))) {
      return;
    }
    List<Long> generations = generations(storage, kind);
    Optional<Holder> mine = read(storage, kind, generation);
    long top = generations.isEmpty() ? 0 : generations.get(generations.size() - 1);
    if (top != generation || mine.isEmpty() || !mine.get().owner().equals(owner)) {
      Holder other = top > 0 ? read(storage, kind, top).orElse(null) : null;
      throw new CollectionInProgressException(kind.task() + " " + owner + " lost its lease"
          + (other == null ? "" : " to " + other.owner()) + " (it ran longer than "
          + kind.term().toSeconds() + " s without renewing it); it stops here",
          other == null ? "nobody" : other.owner(), other == null ? now : other.expires());
    }
    storage.write(kind.path(generation), json(owner, now.plus(kind.term())), false);
    renewedAt = now;
  }

  /** Gives the lease up, if it is still this collection's. */
  @Override
  public synchronized void close() {
    Optional<Holder> mine = read(storage, kind, generation);
    if (mine.isPresent() && mine.get().owner().equals(owner)) {
      storage.delete(kind.path(generation));
    }
  }

  private static CollectionInProgressException busy(Holder holder) {
    return new CollectionInProgressException("another garbage collection is running ("
        + holder.owner() + ", lease until " + holder.expires() + ")", holder.owner(),
        holder.expires());
  }

  private static List<Long> generations(Storage storage, Kind kind) {
    List<Long> generations = new ArrayList<>();
    for (String name : storage.list(kind.directory())) {
      long generation = UploadParts.offsetOf(name);
      if (generation > 0 && name.length() == 20) {
        generations.add(generation);
      }
    }
    return generations;
  }

  private static Optional<Holder> read(Storage storage, Kind kind, long generation) {
    try {
      JsonObject json = JsonParser.parseString(new String(storage.read(
          kind.path(generation)), StandardCharsets.UTF_8)).getAsJsonObject();
      return Optional.of(new Holder(json.get("owner").getAsString(),
          Instant.parse(json.get("expires").getAsString())));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    } catch (JsonParseException | IllegalStateException | NullPointerException
        | UnsupportedOperationException | DateTimeParseException e) {
      // Unreadable (a torn write after a power loss): treat it as lapsed long ago.
      return Optional.of(new Holder("an unreadable lease", Instant.EPOCH));
    }
  }

  private static byte[] json(String owner, Instant expires) {
    JsonObject json = new JsonObject();
    json.addProperty("owner", owner);
    json.addProperty("expires", expires.toString());
    return json.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String host() {
    String host = System.getenv("HOSTNAME");
    return host == null || host.isBlank() ? "host" : host;
  }
}
