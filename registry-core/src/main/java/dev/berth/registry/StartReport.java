package dev.berth.registry;

import java.util.Optional;

/**
 * What a {@link Registry} did over its storage when it was built (see
 * {@link Registry.Builder#recoverOnStart}).
 *
 * @param changesFinished multi-object changes a crash had left half done, now finished
 * @param reindexed the rebuild of the referrers index, when it was not built over this storage yet
 * @param uploadsPurged expired upload sessions removed
 */
public record StartReport(int changesFinished, Optional<ReindexReport> reindexed,
    int uploadsPurged) {
  static final StartReport NOTHING = new StartReport(0, Optional.empty(), 0);
}
