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

  private final Storage storage;
  private final Clock clock;
  private final String owner;
  private final long generation;
  private Instant renewedAt;

  private GcLease(Storage storage, Clock clock, String owner, long generation, Instant now) {
    this.storage = storage;
    this.clock = clock;
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
    String owner = host() + " pid " + ProcessHandle.current().pid() + " collection "
        + UUID.randomUUID().toString().substring(0, 8);
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      List<Long> generations = generations(storage);
      long top = generations.isEmpty() ? 0 : generations.get(generations.size() - 1);
      Instant now = clock.instant();
      if (top > 0) {
        Optional<Holder> holder = read(storage, top);
        if (holder.isEmpty()) {
          continue; // released or taken over since the listing: look again
        }
        if (holder.get().expires().isAfter(now)) {
          throw busy(holder.get());
        }
      }
      long mine = top + 1;
      if (!storage.writeIfAbsent(StoragePaths.gcLease(mine), json(owner, now.plus(TERM)))) {
        throw busy(read(storage, mine).orElse(new Holder("another collection", now.plus(TERM))));
      }
      Holder written = read(storage, mine).orElse(null);
      if (written == null || !written.owner().equals(owner)) {
        // Check-then-write across instances: another instance's create came after ours.
        throw busy(written != null ? written : new Holder("another collection", now.plus(TERM)));
      }
      for (long older : generations) {
        storage.delete(StoragePaths.gcLease(older));
      }
      return new GcLease(storage, clock, owner, mine, now);
    }
    throw new CollectionInProgressException("the garbage collection lease changed hands "
        + ATTEMPTS + " times while this collection tried to take it", "another collection",
        clock.instant().plus(TERM));
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
    if (now.isBefore(renewedAt.plus(RENEW_EVERY))) {
      return;
    }
    List<Long> generations = generations(storage);
    Optional<Holder> mine = read(storage, generation);
    long top = generations.isEmpty() ? 0 : generations.get(generations.size() - 1);
    if (top != generation || mine.isEmpty() || !mine.get().owner().equals(owner)) {
      Holder other = top > 0 ? read(storage, top).orElse(null) : null;
      throw new CollectionInProgressException("garbage collection " + owner + " lost its lease"
          + (other == null ? "" : " to " + other.owner()) + " (it ran longer than "
          + TERM.toSeconds() + " s without renewing it); it stops here",
          other == null ? "nobody" : other.owner(), other == null ? now : other.expires());
    }
    storage.write(StoragePaths.gcLease(generation), json(owner, now.plus(TERM)), false);
    renewedAt = now;
  }

  /** Gives the lease up, if it is still this collection's. */
  @Override
  public synchronized void close() {
    Optional<Holder> mine = read(storage, generation);
    if (mine.isPresent() && mine.get().owner().equals(owner)) {
      storage.delete(StoragePaths.gcLease(generation));
    }
  }

  private static CollectionInProgressException busy(Holder holder) {
    return new CollectionInProgressException("another garbage collection is running ("
        + holder.owner() + ", lease until " + holder.expires() + ")", holder.owner(),
        holder.expires());
  }

  private static List<Long> generations(Storage storage) {
    List<Long> generations = new ArrayList<>();
    for (String name : storage.list(StoragePaths.gcLeaseDirectory())) {
      long generation = UploadParts.offsetOf(name);
      if (generation > 0 && name.length() == 20) {
        generations.add(generation);
      }
    }
    return generations;
  }

  private static Optional<Holder> read(Storage storage, long generation) {
    try {
      JsonObject json = JsonParser.parseString(new String(storage.read(
          StoragePaths.gcLease(generation)), StandardCharsets.UTF_8)).getAsJsonObject();
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
