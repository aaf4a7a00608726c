package dev.berth.registry;

import java.time.Duration;

/**
 * Behaviour switches of a {@link Registry}; set through {@link Registry.Builder}.
 *
 * @param deletesEnabled whether DELETE of manifests, tags and blobs is allowed (else 405 UNSUPPORTED)
 * @param deleteReferrersWithSubject whether deleting a manifest also deletes its untagged referrers,
 *     recursively, at once (else they wait for garbage collection)
 * @param maxManifestBytes the largest manifest accepted (413 above)
 * @param maxPageSize the most entries one page of tags, repositories or referrers may hold
 * @param defaultCatalogPageSize entries of a catalog page when the client gives no {@code n}
 * @param defaultReferrersPageSize entries of a referrers page when the client gives no {@code n}
 * @param uploadMaxAge upload sessions older than this are purged
 */
public record RegistryOptions(boolean deletesEnabled, boolean deleteReferrersWithSubject,
    int maxManifestBytes, int maxPageSize, int defaultCatalogPageSize, int defaultReferrersPageSize,
    Duration uploadMaxAge) {

  public static final int DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

  public static RegistryOptions defaults() {
    return new RegistryOptions(true, false, DEFAULT_MAX_MANIFEST_BYTES, 1000, 100, 100,
        Duration.ofDays(7));
  }

  public RegistryOptions {
    if (maxManifestBytes < 1024) {
      throw new IllegalArgumentException("maxManifestBytes below 1 KiB: " + maxManifestBytes);
    }
    if (maxPageSize < 1 || defaultCatalogPageSize < 1 || defaultReferrersPageSize < 1) {
      throw new IllegalArgumentException("page sizes must be at least 1");
    }
    if (uploadMaxAge.isNegative() || uploadMaxAge.isZero()) {
      throw new IllegalArgumentException("uploadMaxAge must be positive");
    }
  }

  public RegistryOptions withDeletesEnabled(boolean enabled) {
    return new RegistryOptions(enabled, deleteReferrersWithSubject, maxManifestBytes, maxPageSize,
        defaultCatalogPageSize, defaultReferrersPageSize, uploadMaxAge);
  }

  public RegistryOptions withDeleteReferrersWithSubject(boolean enabled) {
    return new RegistryOptions(deletesEnabled, enabled, maxManifestBytes, maxPageSize,
        defaultCatalogPageSize, defaultReferrersPageSize, uploadMaxAge);
  }

  public RegistryOptions withUploadMaxAge(Duration age) {
    return new RegistryOptions(deletesEnabled, deleteReferrersWithSubject, maxManifestBytes,
        maxPageSize, defaultCatalogPageSize, defaultReferrersPageSize, age);
  }
}
