package dev.berth.registry.gc;

import java.time.Duration;
import java.util.List;

/**
 * What a collection did (or, in a dry run, would do).
 *
 * @param dryRun whether nothing was deleted
 * @param repositories repositories walked
 * @param manifestsScanned manifest revisions looked at
 * @param blobsScanned blobs looked at
 * @param manifestsRemoved removed manifests as {@code repository@digest}
 * @param blobsRemoved removed blob digests
 * @param bytesFreed bytes of the removed blobs
 * @param referrersEntriesRemoved referrers-index entries removed
 * @param uploadsRemoved expired upload sessions removed
 * @param duration how long it took
 */
public record GcReport(boolean dryRun, int repositories, int manifestsScanned, int blobsScanned,
    List<String> manifestsRemoved, List<String> blobsRemoved, long bytesFreed,
    int referrersEntriesRemoved, int uploadsRemoved, Duration duration) {

  public GcReport {
    manifestsRemoved = List.copyOf(manifestsRemoved);
    blobsRemoved = List.copyOf(blobsRemoved);
  }

  /** One line for a log. */
  public String summary() {
    return (dryRun ? "dry run: would remove " : "removed ") + manifestsRemoved.size()
        + " manifests and " + blobsRemoved.size() + " blobs (" + bytesFreed + " bytes), "
        + referrersEntriesRemoved + " referrers index entries and " + uploadsRemoved
        + " expired uploads; scanned " + repositories + " repositories, " + manifestsScanned
        + " manifests, " + blobsScanned + " blobs in " + duration.toMillis() + " ms";
  }
}
