package dev.berth.registry;

import java.time.Duration;

/**
 * What a rebuild of the referrers index did ({@link Registry#reindex()}).
 *
 * @param repositories repositories walked
 * @param manifests manifest revisions read
 * @param entries index entries after the rebuild
 * @param fromFallbackTags of those, entries found through fallback tag indexes
 * @param added entries that were missing and were added
 * @param removed entries that no manifest backed and were removed
 * @param tagsRepaired tags that could not resolve (left half-made or half-removed by a crash, or
 *     naming a manifest the repository no longer has) and were removed
 * @param duration how long it took
 */
public record ReindexReport(int repositories, int manifests, int entries, int fromFallbackTags,
    int added, int removed, int tagsRepaired, Duration duration) {}
