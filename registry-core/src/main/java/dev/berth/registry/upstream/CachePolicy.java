package dev.berth.registry.upstream;

import java.time.Duration;

/**
 * How a pull-through cache treats its repositories beyond fetching: which pushes they take, and
 * how much fetched content it keeps (docs/proxy.md, "Eviction").
 *
 * @param acceptsAllPushes every push is taken; by default only manifests with a subject
 *     (signatures, SBOMs), which stay local, and blobs
 * @param maxAge cached tags not pulled for this long are evicted; null for no age limit
 * @param maxBytes the least recently pulled cached tags are evicted while what cached tags name
 *     holds more bytes than this; 0 for no size limit
 */
public record CachePolicy(boolean acceptsAllPushes, Duration maxAge, long maxBytes) {

  /** Plain pushes refused, nothing evicted. */
  public static final CachePolicy DEFAULT = new CachePolicy(false, null, 0);

  public CachePolicy {
    if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
      throw new IllegalArgumentException("a cache age limit must be positive, not " + maxAge);
    }
    if (maxBytes < 0) {
      throw new IllegalArgumentException("a cache size limit cannot be negative: " + maxBytes);
    }
  }

  public CachePolicy withAcceptsAllPushes(boolean value) {
    return new CachePolicy(value, maxAge, maxBytes);
  }

  public CachePolicy withMaxAge(Duration value) {
    return new CachePolicy(acceptsAllPushes, value, maxBytes);
  }

  public CachePolicy withMaxBytes(long value) {
    return new CachePolicy(acceptsAllPushes, maxAge, value);
  }

  /** Whether anything is ever evicted. */
  public boolean evicts() {
    return maxAge != null || maxBytes > 0;
  }
}
