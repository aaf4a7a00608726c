package dev.berth.registry.access;

/**
 * What a request wants to do. A request asks for every action it needs at once
 * ({@link AccessRequest}); a push, for example, asks {@link #PULL} and {@link #PUSH} on its
 * repository, as distribution's token challenges do.
 */
public enum Action {
  /** Read manifests, blobs, tags, referrers and upload sessions of a repository. */
  PULL,
  /** Upload blobs, put manifests (new tags), mount into a repository. */
  PUSH,
  /**
   * Move an existing tag to another manifest. Asked beside {@link #PUSH} once the registry knows
   * that a manifest PUT would move a tag (a policy may allow creating tags but not moving them);
   * a token carries it as {@code push}.
   */
  MOVE_TAG,
  /** Delete manifests, tags, blobs or upload sessions of a repository. */
  DELETE,
  /** List the repositories of the registry. */
  CATALOG
}
