package dev.berth.registry.access;

/** What a request wants to do. */
public enum Action {
  /** Read manifests, blobs, tags, referrers of a repository; or the API root. */
  PULL,
  /** Upload blobs, put manifests, mount into a repository. */
  PUSH,
  /** Delete manifests, tags or blobs of a repository. */
  DELETE,
  /** List the repositories of the registry. */
  CATALOG
}
