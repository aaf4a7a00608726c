package dev.berth.it.support;

import dev.berth.registry.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * What one workload thread wrote to its repository, and so what the registry must hold after a
 * crash: for every blob, manifest and tag the thread owns, an {@link Outcome}. Threads own
 * disjoint keys (their blobs and manifests carry the thread's name, their tags its prefix), so the
 * writes to a key are in one order even though threads share repositories.
 *
 * <p>Effects follow the distribution spec: a manifest PUT by tag stores the manifest and points the
 * tag at it; a DELETE by digest removes the manifest and every tag on it (§2.8); a tag DELETE
 * removes only the tag; a blob DELETE only the blob.
 */
public final class CrashLedger {

  /** A blob's content, regenerated on demand (for a re-push) instead of being held. */
  public record BlobSource(String label, long seed, int size) {
    public byte[] bytes() {
      byte[] out = new byte[size];
      new SplittableRandom(seed).nextBytes(out);
      byte[] head = (label + "\n").getBytes(StandardCharsets.UTF_8);
      System.arraycopy(head, 0, out, 0, Math.min(head.length, size));
      return out;
    }
  }

  /**
   * A manifest the thread pushed: its exact bytes, its subject if any, and what it names (which
   * must be present for a re-push to be accepted).
   */
  public record Pushed(Digest digest, String mediaType, byte[] bytes, Digest subject,
      String artifactType, List<Digest> blobs, List<Digest> children) {}

  public final int thread;
  public final String repository;
  public final Map<Digest, BlobSource> blobSources = new LinkedHashMap<>();
  public final Map<Digest, Outcome<Boolean>> blobs = new LinkedHashMap<>();
  public final Map<Digest, Pushed> manifests = new LinkedHashMap<>();
  public final Map<Digest, Outcome<Boolean>> manifestPresence = new LinkedHashMap<>();
  public final Map<String, Outcome<Optional<Digest>>> tags = new TreeMap<>();
  /** Every digest used as a subject, pushed or not. */
  public final Set<Digest> subjects = new LinkedHashSet<>();
  /** Manifest DELETEs by digest that got no answer: retried after the restart. */
  public final Set<Digest> interruptedDeletes = new LinkedHashSet<>();
  public final Tally acknowledged = new Tally();
  public final Tally unknown = new Tally();

  public CrashLedger(int thread, String repository) {
    this.thread = thread;
    this.repository = repository;
  }

  public void blobPushed(Digest digest, BlobSource source, String kind, boolean acked,
      String write) {
    blobSources.putIfAbsent(digest, source);
    Outcome<Boolean> o = blobs.computeIfAbsent(digest, d -> Outcome.initially(false));
    count(kind, acked);
    if (acked) {
      o.acknowledged(true, write);
    } else {
      o.unknown(true, write);
    }
  }

  public void blobDeleted(Digest digest, boolean acked, String write) {
    Outcome<Boolean> o = blobs.get(digest);
    count("blob DELETE", acked);
    if (acked) {
      o.acknowledged(false, write);
    } else {
      o.unknown(false, write);
    }
  }

  /** A manifest PUT by digest ({@code tag} null) or by tag. */
  public void manifestPut(Pushed manifest, String tag, String kind, boolean acked, String write) {
    manifests.putIfAbsent(manifest.digest(), manifest);
    if (manifest.subject() != null) {
      subjects.add(manifest.subject());
    }
    Outcome<Boolean> present = manifestPresence.computeIfAbsent(manifest.digest(),
        d -> Outcome.initially(false));
    Outcome<Optional<Digest>> tagged = tag == null ? null
        : tags.computeIfAbsent(tag, t -> Outcome.initially(Optional.empty()));
    count(kind, acked);
    if (acked) {
      present.acknowledged(true, write);
      if (tagged != null) {
        tagged.acknowledged(Optional.of(manifest.digest()), write);
      }
    } else {
      present.unknown(true, write);
      if (tagged != null) {
        tagged.unknown(Optional.of(manifest.digest()), write);
      }
    }
  }

  public void tagDeleted(String tag, boolean acked, String write) {
    Outcome<Optional<Digest>> o = tags.get(tag);
    count("tag DELETE", acked);
    if (acked) {
      o.acknowledged(Optional.empty(), write);
    } else {
      o.unknown(Optional.empty(), write);
    }
  }

  /** A DELETE by digest: the manifest goes, and so does every tag that names it (only those). */
  public void manifestDeleted(Digest digest, String kind, boolean acked, String write) {
    count(kind, acked);
    Outcome<Boolean> present = manifestPresence.get(digest);
    Optional<Digest> named = Optional.of(digest);
    if (acked) {
      present.acknowledged(false, write);
    } else {
      present.unknown(false, write);
    }
    for (Outcome<Optional<Digest>> tag : tags.values()) {
      if (!tag.allows(named)) {
        continue;
      }
      if (acked) {
        tag.acknowledged(v -> v.equals(named) ? Optional.empty() : v, write);
      } else {
        tag.unknown(v -> v.equals(named) ? Optional.empty() : v, write);
      }
    }
  }

  private void count(String kind, boolean acked) {
    (acked ? acknowledged : unknown).add(kind);
  }

  public List<Digest> presentBlobs() {
    return certainly(blobs, true);
  }

  public List<Digest> deletedBlobs() {
    return certainly(blobs, false);
  }

  public List<Digest> presentManifests() {
    return certainly(manifestPresence, true);
  }

  public List<Digest> deletedManifests() {
    return certainly(manifestPresence, false);
  }

  /** Tags that certainly name a manifest that is certainly there. */
  public List<String> presentTags() {
    List<String> out = new ArrayList<>();
    tags.forEach((tag, o) -> {
      if (o.possible().size() == 1) {
        o.possible().iterator().next().ifPresent(d -> {
          if (manifestPresence.get(d).is(true)) {
            out.add(tag);
          }
        });
      }
    });
    return out;
  }

  /** The manifest a tag certainly names, if it certainly names one. */
  public Optional<Digest> tagTarget(String tag) {
    Outcome<Optional<Digest>> o = tags.get(tag);
    return o != null && o.possible().size() == 1 ? o.possible().iterator().next()
        : Optional.empty();
  }

  /** Whether every blob and child the manifest names is certainly there, so a PUT must pass. */
  public boolean pushable(Pushed manifest) {
    for (Digest blob : manifest.blobs()) {
      if (!blob.equals(Digest.EMPTY_JSON) && !blobs.get(blob).is(true)) {
        return false;
      }
    }
    for (Digest child : manifest.children()) {
      if (!manifestPresence.get(child).is(true)) {
        return false;
      }
    }
    return true;
  }

  private static List<Digest> certainly(Map<Digest, Outcome<Boolean>> map, boolean value) {
    List<Digest> out = new ArrayList<>();
    map.forEach((d, o) -> {
      if (o.is(value)) {
        out.add(d);
      }
    });
    return out;
  }
}
