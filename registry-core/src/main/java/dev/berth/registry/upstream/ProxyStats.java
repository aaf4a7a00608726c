package dev.berth.registry.upstream;

/**
 * What a pull-through cache did since its registry was built.
 *
 * @param hits reads of covered repositories answered from storage without asking the upstream
 * @param misses reads that fetched from the upstream (a manifest, a blob, a tag not cached yet)
 * @param revalidations tags older than their TTL checked upstream
 * @param bytesFetched bytes of manifests and blobs read from the upstream
 * @param unavailable times the upstream could not answer (cached content was served, or 503)
 */
public record ProxyStats(long hits, long misses, long revalidations, long bytesFetched,
    long unavailable) {

  public static final ProxyStats NONE = new ProxyStats(0, 0, 0, 0, 0);
}
