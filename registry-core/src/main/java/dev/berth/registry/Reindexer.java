package dev.berth.registry;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.manifest.ParsedManifest;
import dev.berth.registry.referrers.ReferrersIndex;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.layout.StoragePaths;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rebuilds the referrers index from the manifests in storage. For each repository it reads every
 * manifest revision, indexes those with a {@code subject}, adds what the {@code <alg>-<hex>}
 * fallback tag indexes list (distribution-spec 1.1: enabling the referrers API must include them),
 * and removes entries that no manifest backs. Entries are added before stale ones are removed, so
 * a listing served meanwhile never loses a live referrer.
 */
final class Reindexer {

  /** The version written to the marker once a full rebuild has run. */
  static final String VERSION = "1";

  private static final Pattern FALLBACK_TAG = Pattern.compile("(sha256-[a-f0-9]{64}|sha512-[a-f0-9]{128})");


  private record Entry(Digest subject, Digest referrer) {}

  private final Storage storage;
  private final ReferrersIndex index;
  private final RepositoryCatalog catalog;
  private final DefaultManifestService manifests;
  private final Clock clock;

  Reindexer(Storage storage, ReferrersIndex index, RepositoryCatalog catalog,
      DefaultManifestService manifests, Clock clock) {
    this.storage = storage;
    this.index = index;
    this.catalog = catalog;
    this.manifests = manifests;
    this.clock = clock;
  }

  public static boolean isMarked(Storage storage) {
    return storage.stat(StoragePaths.referrersIndexVersion()).isPresent();
  }

  public ReindexReport run() {
    Instant start = clock.instant();
    int[] counts = new int[6];
    catalog.forEach(repository -> {
      int[] c = rebuild(repository);
      counts[0]++;
      for (int i = 0; i < c.length; i++) {
        counts[i + 1] += c[i];
      }
    });
    storage.write(StoragePaths.referrersIndexVersion(), VERSION.getBytes(StandardCharsets.UTF_8));
    return new ReindexReport(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5],
        Duration.between(start, clock.instant()));
  }

  /** @return manifests read, entries, from fallback tags, added, removed */
  private int[] rebuild(RepositoryName repository) {
    Map<Entry, Descriptor> wanted = new HashMap<>();
    Map<Digest, ParsedManifest> parsed = new HashMap<>();
    int read = 0;
    for (Digest digest : revisions(repository)) {
      read++;
      manifests.parse(digest).ifPresent(m -> {
        parsed.put(digest, m);
        if (m.subject() != null) {
          wanted.put(new Entry(m.subject().digest(), digest), m.asReferrer());
        }
      });
    }
    int fromFallback = 0;
    for (Map.Entry<Tag, Digest> tag : manifests.tags(repository).entrySet()) {
      if (!FALLBACK_TAG.matcher(tag.getKey().value()).matches()) {
        continue;
      }
      String name = tag.getKey().value();
      Digest subject = Digest.parse(name.substring(0, 6) + ":" + name.substring(7));
      ParsedManifest fallback = parsed.get(tag.getValue());
      if (fallback == null || !fallback.isIndex()) {
        continue;
      }
      for (Descriptor listed : fallback.manifests()) {
        ParsedManifest referrer = parsed.get(listed.digest());
        // A manifest of this repository that the tag lists. One with a subject of its own is indexed
        // under that subject above; one without is a referrer of the tag's subject by the tag alone.
        if (referrer == null || referrer.subject() != null) {
          continue;
        }
        // The tag's entry says which artifact type the pushing client meant; it wins over the
        // config media type a subject-less manifest would otherwise be listed with.
        Descriptor own = referrer.asReferrer();
        Descriptor entry = listed.artifactType() == null ? own : new Descriptor(own.mediaType(),
            own.digest(), own.size(), listed.artifactType(), own.annotations());
        if (wanted.putIfAbsent(new Entry(subject, listed.digest()), entry) == null) {
          fromFallback++;
        }
      }
    }
    Set<Entry> existing = new HashSet<>();
    Map<Entry, Descriptor> existingDescriptors = new HashMap<>();
    index.forEach(repository, (subject, referrer) -> {
      Entry e = new Entry(subject, referrer.digest());
      existing.add(e);
      existingDescriptors.put(e, referrer);
    });
    Map<Digest, java.util.List<Descriptor>> missing = new HashMap<>();
    for (Map.Entry<Entry, Descriptor> w : wanted.entrySet()) {
      if (!w.getValue().equals(existingDescriptors.get(w.getKey()))) {
        missing.computeIfAbsent(w.getKey().subject, s -> new java.util.ArrayList<>())
            .add(w.getValue());
      }
    }
    int added = 0;
    for (Map.Entry<Digest, java.util.List<Descriptor>> m : missing.entrySet()) {
      index.addAll(repository, m.getKey(), m.getValue());
      added += m.getValue().size();
    }
    int removed = 0;
    for (Entry e : existing) {
      if (!wanted.containsKey(e)) {
        index.remove(repository, e.subject, e.referrer);
        removed++;
      }
    }
    return new int[] {read, wanted.size(), fromFallback, added, removed};
  }

  private Set<Digest> revisions(RepositoryName repository) {
    Set<Digest> digests = new HashSet<>();
    String root = StoragePaths.revisionsDirectory(repository);
    for (String algorithm : storage.list(root)) {
      for (String encoded : storage.list(root + "/" + algorithm)) {
        Digest digest = Digest.tryParse(algorithm + ":" + encoded);
        if (digest != null
            && storage.stat(root + "/" + algorithm + "/" + encoded + "/link").isPresent()) {
          digests.add(digest);
        }
      }
    }
    return digests;
  }
}
