package dev.berth.registry.upstream;

import java.util.Locale;
import java.util.Map;

/**
 * What a pull-through cache did since its registry was built.
 *
 * @param hits reads of covered repositories answered from storage without asking the upstream
 * @param misses reads that fetched from the upstream (a manifest, a blob, a tag not cached yet)
 * @param revalidations tags older than their TTL checked upstream
 * @param bytesFetched bytes of manifests and blobs read from the upstream
 * @param unavailable times the upstream could not answer (cached content was served, or 503)
 * @param byKind hits, misses and bytes fetched of each kind of content (they add up to the
 *     totals): what metrics label with distribution's {@code type} ({@code blob},
 *     {@code manifest}) and Berth's {@code referrers}
 */
public record ProxyStats(long hits, long misses, long revalidations, long bytesFetched,
    long unavailable, Map<Kind, Counts> byKind) {

  public static final ProxyStats NONE = new ProxyStats(0, 0, 0, 0, 0, Map.of());

  public ProxyStats {
    byKind = Map.copyOf(byKind);
  }

  /** What is read through the cache. */
  public enum Kind {
    MANIFEST, BLOB, REFERRERS;

    /** The lower-case name, as metrics label it. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The counts of one kind. */
  public record Counts(long hits, long misses, long bytesFetched) {
    public static final Counts NONE = new Counts(0, 0, 0);
  }

  /** The counts of {@code kind} (zero when nothing of it was read). */
  public Counts of(Kind kind) {
    return byKind.getOrDefault(kind, Counts.NONE);
  }
}
