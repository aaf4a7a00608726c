package dev.berth.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * What a pull-through cache did for the request being served on this thread, for the access
 * log's {@code proxy} field (nginx's {@code $upstream_cache_status}, a CDN's {@code X-Cache}):
 * {@link #HIT} served from storage, {@link #MISS} fetched from the upstream (or could not be:
 * the 503), {@link #REVALIDATED} a cached tag checked upstream after its TTL, {@link #STALE}
 * cached content served because the upstream could not be asked. When one request does
 * several (a revalidation that finds the tag moved, then fetches its manifest), the more telling
 * one is kept: MISS over STALE over REVALIDATED over HIT.
 *
 * <p>A per-thread mark, because the answers (an {@code InputStream}, a {@code ManifestContent})
 * are the same types for local and cached content: marking through them would change every
 * service's signature for a log field. Manifest and blob reads run on the request's thread; the
 * servlet {@link #clear}s the mark when a request begins and {@link #take}s it when its service
 * returns. Repositories no upstream covers are never marked.
 */
public enum CacheOutcome {
  HIT, REVALIDATED, STALE, MISS;

  private static final ThreadLocal<CacheOutcome> CURRENT = new ThreadLocal<>();

  /** The lower-case name, as the access log writes it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Forgets this thread's mark: a request begins. */
  public static void clear() {
    CURRENT.remove();
  }

  /** This thread's mark since {@link #clear}, and forgets it. */
  public static Optional<CacheOutcome> take() {
    CacheOutcome o = CURRENT.get();
    CURRENT.remove();
    return Optional.ofNullable(o);
  }

  static void mark(CacheOutcome outcome) {
    CacheOutcome now = CURRENT.get();
    if (now == null || outcome.ordinal() > now.ordinal()) {
      CURRENT.set(outcome);
    }
  }
}
