package dev.berth.registry;

import dev.berth.registry.oci.Digest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The one rule of a referrer's life (SPEC.md §7): a manifest that names a subject lives while its
 * subject lives, or while it is tagged itself. Deleting a subject ({@link ManifestRemoval}, when
 * configured) and collecting garbage ({@link GarbageCollector}) both ask here.
 */
final class ReferrerLifetime {
  private ReferrerLifetime() {}

  /**
   * Whether a manifest is kept for its own sake, a root of the collection: tagged manifests, and
   * untagged ones that are not referrers unless untagged manifests are collected. A referrer that
   * is not tagged is kept only through its subject.
   */
  static boolean isRoot(boolean tagged, boolean referrer, boolean deleteUntagged) {
    return tagged || (!referrer && !deleteUntagged);
  }

  /** The referrers of a subject that go with it when it goes: those not tagged. */
  static List<Digest> dieWithSubject(Collection<Digest> referrers, Set<Digest> tagged) {
    List<Digest> dying = new ArrayList<>();
    for (Digest referrer : referrers) {
      if (!tagged.contains(referrer)) {
        dying.add(referrer);
      }
    }
    return dying;
  }
}
