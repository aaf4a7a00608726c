package dev.berth.registry.referrers;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import java.util.List;
import java.util.Optional;

/**
 * One page of referrers.
 *
 * @param referrers the entries, in ascending digest order
 * @param next where the following page starts (the last digest of this one) while more remain
 */
public record ReferrersPage(List<Descriptor> referrers, Optional<Digest> next) {
  public ReferrersPage {
    referrers = List.copyOf(referrers);
  }

  public static ReferrersPage empty() {
    return new ReferrersPage(List.of(), Optional.empty());
  }
}
