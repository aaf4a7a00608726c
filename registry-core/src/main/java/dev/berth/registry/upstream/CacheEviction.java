package dev.berth.registry.upstream;

/**
 * What one eviction pass of a pull-through cache did.
 *
 * @param tagsEvicted cached tags removed (least recently pulled first)
 * @param manifestsRemoved manifests those tags alone named, removed with them; their blobs are
 *     garbage collection's to take
 * @param bytesHeld what the remaining cached tags name, in bytes of stored manifests and blobs
 *     (counted only when a size limit is set, else -1)
 */
public record CacheEviction(int tagsEvicted, int manifestsRemoved, long bytesHeld) {

  public static final CacheEviction NONE = new CacheEviction(0, 0, -1);

  /** One line for a log. */
  public String summary() {
    return "evicted " + tagsEvicted + " cached tags and " + manifestsRemoved + " manifests"
        + (bytesHeld < 0 ? "" : "; cached tags now name " + bytesHeld + " bytes");
  }
}
