package dev.berth.registry.servlet;

import com.google.gson.JsonObject;
import dev.berth.registry.Registry;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Whether the registry can serve: its storage reachable and writable. A probe writes a small
 * object under {@code _berth/health/<probe id>} ({@link StoragePaths#healthProbe}), reads it back
 * and deletes it. Its result is kept for {@code interval}, so that a storm of {@code /readyz}
 * requests costs one storage round trip per interval, and one probe runs at a time (the others
 * answer with the last result meanwhile, so a hanging storage holds one thread, not all).
 *
 * <p>Not ready after {@code threshold} failed probes in a row (distribution's
 * {@code health.storagedriver.threshold}). In read-only mode the storage may well be mounted
 * read-only, as maintenance mode intends: the probe then only lists, and the answer stays ready
 * and says read-only.
 */
public final class HealthCheck {

  /** A probe's outcome. */
  public record Status(boolean ready, boolean readOnly, String reason) {

    /** {@code {"status":"ready","readOnly":false}}, with {@code "reason"} when not ready. */
    public String json() {
      JsonObject o = new JsonObject();
      o.addProperty("status", ready ? "ready" : "not ready");
      o.addProperty("readOnly", readOnly);
      if (reason != null) {
        o.addProperty("reason", reason);
      }
      return o.toString();
    }
  }

  private record Cached(Status status, long at) {}

  private final Supplier<Registry> registry;
  private final boolean enabled;
  private final long intervalNanos;
  private final int threshold;
  private final String probePath = StoragePaths.healthProbe(UUID.randomUUID().toString());
  private final ReentrantLock probing = new ReentrantLock();
  private volatile Cached last;
  private int failuresInARow;

  private HealthCheck(Supplier<Registry> registry, boolean enabled, Duration interval,
      int threshold) {
    this.registry = registry;
    this.enabled = enabled;
    this.intervalNanos = interval.toNanos();
    this.threshold = Math.max(1, threshold);
  }

  /** Probes at most once a second; not ready at the first failure. */
  public static HealthCheck of(Supplier<Registry> registry) {
    return of(registry, true, Duration.ofSeconds(1), 1);
  }

  /**
   * @param enabled whether to probe the storage at all (else always ready)
   * @param interval how long a probe's result is kept
   * @param threshold failed probes in a row before the registry is not ready
   */
  public static HealthCheck of(Supplier<Registry> registry, boolean enabled, Duration interval,
      int threshold) {
    return new HealthCheck(registry, enabled, interval, threshold);
  }

  /** The current status: the kept one when fresh, else a new probe's. */
  public Status status() {
    Cached cached = last;
    long now = System.nanoTime();
    if (cached != null && now - cached.at < intervalNanos) {
      return withReadOnly(cached.status);
    }
    if (!probing.tryLock()) {
      return cached != null ? withReadOnly(cached.status) : probeWaiting();
    }
    try {
      Status status = probe();
      last = new Cached(status, System.nanoTime());
      return status;
    } finally {
      probing.unlock();
    }
  }

  private Status probeWaiting() {
    probing.lock();
    probing.unlock();
    return status();
  }

  private Status withReadOnly(Status s) {
    boolean readOnly = registry.get().readOnly();
    return s.readOnly == readOnly ? s : new Status(s.ready, readOnly, s.reason);
  }

  /** Under {@link #probing}. */
  private Status probe() {
    Registry r = registry.get();
    boolean readOnly = r.readOnly();
    if (!enabled) {
      return new Status(true, readOnly, null);
    }
    Storage storage = r.storage();
    String failure = null;
    try {
      if (readOnly) {
        storage.list(StoragePaths.BERTH, null, 1);
      } else {
        byte[] written = ("probe " + System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8);
        storage.write(probePath, written, false);
        byte[] read = storage.read(probePath);
        storage.delete(probePath);
        if (!Arrays.equals(written, read)) {
          failure = "storage: " + probePath + " read back other bytes than were written";
        }
      }
    } catch (RuntimeException e) {
      failure = "storage: " + (readOnly ? "cannot list " + StoragePaths.BERTH : "cannot write, read"
          + " and delete " + probePath) + ": " + e.getMessage();
    }
    failuresInARow = failure == null ? 0 : failuresInARow + 1;
    boolean ready = failuresInARow < threshold;
    return new Status(ready, readOnly, ready ? null : failure);
  }
}
