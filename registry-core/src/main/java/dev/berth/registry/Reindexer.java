package dev.berth.registry;

import dev.berth.registry.layout.DigestFolders;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.storage.Storage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rebuilds the referrers index from the manifests in storage alone. For each repository it
 * finishes what a crash left ({@link Recovery}: pending changes, tags that cannot resolve), reads
 * every manifest revision, indexes those with a {@code subject}, adds what the {@code <alg>-<hex>}
 * fallback tag indexes list (distribution-spec 1.1: enabling the referrers API must include them),
 * and removes entries that no manifest backs. It never reads the old entries' contents: it writes
 * every wanted entry whose stored bytes differ (a corrupt one included) and removes the others by
 * name. Entries are added before stale ones are removed, so a listing served meanwhile never loses
 * a live referrer.
 */
final class Reindexer {

  /** The version written to the marker once a full rebuild has run. */
  static final String VERSION = "1";

  private static final Pattern FALLBACK_TAG =
      Pattern.compile("(sha256-[a-f0-9]{64}|sha512-[a-f0-9]{128})");

  private record Entry(Digest subject, Digest referrer) {}

  private final Storage storage;
  private final ReferrersIndex index;
  private final RepositoryCatalog catalog;
  private final DefaultManifestService manifests;
  private final Recovery recovery;
  private final Clock clock;

  Reindexer(Storage storage, ReferrersIndex index, RepositoryCatalog catalog,
      DefaultManifestService manifests, Recovery recovery, Clock clock) {
    this.storage = storage;
    this.index = index;
    this.catalog = catalog;
    this.manifests = manifests;
    this.recovery = recovery;
    this.clock = clock;
  }

  static boolean isMarked(Storage storage) {
    return storage.stat(StoragePaths.referrersIndexVersion()).isPresent();
  }

  ReindexReport run() {
    Instant start = clock.instant();
    recovery.finishPending();
    int[] counts = new int[7];
    catalog.forEach(repository -> {
      int[] c = rebuild(repository);
      counts[0]++;
      for (int i = 0; i < c.length; i++) {
        counts[i + 1] += c[i];
      }
    });
    storage.write(StoragePaths.referrersIndexVersion(), VERSION.getBytes(StandardCharsets.UTF_8));
    return new ReindexReport(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5],
        counts[6], Duration.between(start, clock.instant()));
  }

  /** @return manifests read, entries, from fallback tags, written, removed, tags repaired */
  private int[] rebuild(RepositoryName repository) {
    int tagsRepaired = recovery.repairTags(repository);
    Map<Entry, Descriptor> wanted = new HashMap<>();
    Map<Digest, ParsedManifest> parsed = new HashMap<>();
    int[] read = {0};
    DigestFolders.forEach(storage, StoragePaths.revisionsDirectory(repository), digest -> {
      if (!manifests.exists(repository, digest)) {
        return;
      }
      read[0]++;
      manifests.parse(digest).ifPresent(m -> {
        parsed.put(digest, m);
        if (m.subject() != null) {
          wanted.put(new Entry(m.subject().digest(), digest), m.asReferrer());
        }
      });
    });
    int fromFallback = addFallbackTagEntries(repository, parsed, wanted);
    Map<Digest, List<Descriptor>> bySubject = new HashMap<>();
    wanted.forEach((e, d) -> bySubject.computeIfAbsent(e.subject, s -> new ArrayList<>()).add(d));
    Set<Entry> before = new HashSet<>();
    index.forEach(repository, (subject, referrer) -> before.add(new Entry(subject, referrer)));
    int written = 0;
    for (Map.Entry<Digest, List<Descriptor>> s : bySubject.entrySet()) {
      index.addAll(repository, s.getKey(), s.getValue());
      for (Descriptor d : s.getValue()) {
        written += before.contains(new Entry(s.getKey(), d.digest())) ? 0 : 1;
      }
    }
    int removed = 0;
    for (Entry e : before) {
      if (!wanted.containsKey(e)) {
        index.remove(repository, e.subject, e.referrer);
        removed++;
      }
    }
    return new int[] {read[0], wanted.size(), fromFallback, written, removed, tagsRepaired};
  }

  /**
   * Entries that {@code <alg>-<hex>} fallback tags list for manifests of this repository. One with
   * a subject of its own is indexed under that subject already; one without is a referrer of the
   * tag's subject by the tag alone, listed with the artifact type the tag's entry gives (the
   * pushing client's choice wins over the config media type the manifest would be listed with).
   *
   * @return how many entries only the fallback tags gave
   */
  private int addFallbackTagEntries(RepositoryName repository, Map<Digest, ParsedManifest> parsed,
      Map<Entry, Descriptor> wanted) {
    int fromFallback = 0;
    for (Map.Entry<Tag, Digest> tag : manifests.tags(repository).entrySet()) {
      String name = tag.getKey().value();
      ParsedManifest fallback = parsed.get(tag.getValue());
      if (!FALLBACK_TAG.matcher(name).matches() || fallback == null || !fallback.isIndex()) {
        continue;
      }
      Digest subject = Digest.parse(name.substring(0, 6) + ":" + name.substring(7));
      for (Descriptor listed : fallback.manifests()) {
        ParsedManifest referrer = parsed.get(listed.digest());
        if (referrer == null || referrer.subject() != null) {
          continue;
        }
        Descriptor own = referrer.asReferrer();
        Descriptor entry = listed.artifactType() == null ? own : new Descriptor(own.mediaType(),
            own.digest(), own.size(), listed.artifactType(), own.annotations());
        if (wanted.putIfAbsent(new Entry(subject, listed.digest()), entry) == null) {
          fromFallback++;
        }
      }
    }
    return fromFallback;
  }
}
