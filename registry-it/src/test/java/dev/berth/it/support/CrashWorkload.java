package dev.berth.it.support;

import dev.berth.it.support.CrashLedger.Pushed;
import dev.berth.it.support.OciManifests.Blob;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One client thread of the crash test: writes of every kind, chosen at random, to its repository
 * over real HTTP until the launcher is killed, each recorded in its {@link CrashLedger} as
 * acknowledged (2xx received) or of unknown outcome. A write is only chosen when everything it
 * builds on is certain (a manifest names only blobs certainly there), so that before the kill
 * every write must succeed: one that does not is reported as a violation.
 */
public final class CrashWorkload implements Runnable {

  private static final int TAGS_PER_THREAD = 8;
  private static final List<String> ARTIFACT_TYPES = List.of(
      "application/vnd.berth.crash.signature.v1+json", "application/vnd.berth.crash.sbom.v1+json");

  private final CrashClient http;
  private final CrashLedger ledger;
  private final SplittableRandom random;
  private final BlobUploads blobs;
  private final int round;
  private final String repo;
  private int sequence;

  /**
   * @param seed the random choices of this thread in this round
   */
  public CrashWorkload(CrashClient http, CrashLedger ledger, long seed, int round) {
    this.http = http;
    this.ledger = ledger;
    this.random = new SplittableRandom(seed);
    this.blobs = new BlobUploads(http, ledger, random);
    this.round = round;
    this.repo = ledger.repository;
  }

  @Override
  public void run() {
    try {
      while (!http.killed()) {
        step();
      }
    } catch (RuntimeException | AssertionError e) {
      StringBuilder trace = new StringBuilder(e.toString());
      StackTraceElement[] frames = e.getStackTrace();
      for (int i = 0; i < Math.min(8, frames.length); i++) {
        trace.append("\n      at ").append(frames[i]);
      }
      http.violation("workload thread failed", "thread " + ledger.thread, trace.toString());
    }
  }

  private void step() {
    int dice = random.nextInt(100);
    boolean done;
    if (dice < 10) {
      done = pushNewBlob(BlobUploads.Mode.MONOLITHIC);
    } else if (dice < 17) {
      done = pushNewBlob(BlobUploads.Mode.POST_PUT);
    } else if (dice < 24) {
      done = pushNewBlob(BlobUploads.Mode.CHUNKED);
    } else if (dice < 34) {
      done = putImage(tagName(), "manifest PUT by tag");
    } else if (dice < 40) {
      done = putImage(null, "manifest PUT by digest");
    } else if (dice < 50) {
      done = putReferrer();
    } else if (dice < 55) {
      done = putIndex(true);
    } else if (dice < 59) {
      done = putIndex(false);
    } else if (dice < 68) {
      done = moveTag();
    } else if (dice < 74) {
      done = deleteTag();
    } else if (dice < 84) {
      done = deleteManifest();
    } else if (dice < 90) {
      done = deleteBlob();
    } else if (dice < 94) {
      done = repushBlob();
    } else {
      done = repushManifest();
    }
    if (!done) {
      pushNewBlob(blobs.anyMode());
    }
  }

  private boolean pushNewBlob(BlobUploads.Mode mode) {
    blobs.pushNew(mode, nextId());
    return true;
  }

  private boolean repushBlob() {
    List<Digest> deleted = ledger.deletedBlobs();
    if (deleted.isEmpty()) {
      return false;
    }
    blobs.push(ledger.blobSources.get(pick(deleted)), blobs.anyMode(), nextId());
    return true;
  }

  private boolean putImage(String tag, String kind) {
    Pushed m = image(nextId(), null, null, 0, random.nextInt(4) == 0 ? pickType() : null);
    return m != null && put(m, tag, kind);
  }

  /** An image manifest with a subject; half of them artifacts (empty config, artifactType). */
  private boolean putReferrer() {
    String id = nextId();
    Digest subject = pickSubject(id);
    Pushed target = ledger.manifests.get(subject);
    String type = target != null ? target.mediaType() : MediaTypes.OCI_MANIFEST;
    long size = target != null ? target.bytes().length : 1234;
    Pushed m = random.nextBoolean()
        ? OciManifests.image(id, new Blob(Digest.EMPTY_JSON, 2, MediaTypes.OCI_EMPTY),
            layers(1), subject, type, size, pickType())
        : image(id, subject, type, size, random.nextBoolean() ? pickType() : null);
    return m != null && put(m, random.nextInt(5) == 0 ? tagName() : null,
        "referrer manifest PUT (subject)");
  }

  private boolean putIndex(boolean withSubject) {
    List<Digest> present = ledger.presentManifests();
    if (present.isEmpty()) {
      return false;
    }
    String id = nextId();
    List<Pushed> children = new ArrayList<>();
    for (int i = 1 + random.nextInt(Math.min(3, present.size())); i > 0; i--) {
      Pushed child = ledger.manifests.get(pick(present));
      if (!children.contains(child)) {
        children.add(child);
      }
    }
    if (!withSubject) {
      Pushed m = OciManifests.index(id, children, null, null, 0, null);
      return put(m, random.nextInt(10) < 7 ? tagName() : null, "index PUT");
    }
    Digest subject = pickSubject(id);
    Pushed target = ledger.manifests.get(subject);
    Pushed m = OciManifests.index(id, children, subject,
        target != null ? target.mediaType() : MediaTypes.OCI_MANIFEST,
        target != null ? target.bytes().length : 1234, random.nextBoolean() ? pickType() : null);
    return put(m, random.nextInt(4) == 0 ? tagName() : null, "referrer index PUT (subject)");
  }

  /** Re-PUTs a tag that certainly names one manifest with another certainly pushable one. */
  private boolean moveTag() {
    List<String> tags = ledger.presentTags();
    if (tags.isEmpty()) {
      return false;
    }
    String tag = pick(tags);
    Optional<Digest> now = ledger.tagTarget(tag);
    List<Digest> others = new ArrayList<>();
    for (Digest d : ledger.presentManifests()) {
      if (!Optional.of(d).equals(now) && ledger.pushable(ledger.manifests.get(d))) {
        others.add(d);
      }
    }
    return !others.isEmpty()
        && put(ledger.manifests.get(pick(others)), tag, "tag move (re-PUT to another manifest)");
  }

  private boolean deleteTag() {
    List<String> tags = ledger.presentTags();
    if (tags.isEmpty()) {
      return false;
    }
    String tag = pick(tags);
    String write = nextId() + " DELETE /v2/" + repo + "/manifests/" + tag + " (tag of "
        + ledger.tagTarget(tag).orElseThrow() + ")";
    Response r = http.send("DELETE", "/v2/" + repo + "/manifests/" + tag, null);
    ledger.tagDeleted(tag, http.expect(r, 202, write), write);
    return true;
  }

  /** Deletes a manifest by digest, a tagged one half the time (its tags go with it). */
  private boolean deleteManifest() {
    List<Digest> present = ledger.presentManifests();
    if (present.isEmpty()) {
      return false;
    }
    List<Digest> tagged = new ArrayList<>();
    for (String tag : ledger.presentTags()) {
      ledger.tagTarget(tag).filter(d -> !tagged.contains(d)).ifPresent(tagged::add);
    }
    Digest d = pick(random.nextBoolean() && !tagged.isEmpty() ? tagged : present);
    List<String> tags = new ArrayList<>();
    ledger.tags.forEach((t, o) -> {
      if (o.allows(Optional.of(d))) {
        tags.add(t);
      }
    });
    String write = nextId() + " DELETE /v2/" + repo + "/manifests/" + d + " (tags on it: " + tags
        + ")";
    Response r = http.send("DELETE", "/v2/" + repo + "/manifests/" + d, null);
    boolean ok = http.expect(r, 202, write);
    if (!ok) {
      ledger.interruptedDeletes.add(d);
    }
    ledger.manifestDeleted(d, "manifest DELETE by digest", ok, write);
    return true;
  }

  private boolean deleteBlob() {
    List<Digest> present = ledger.presentBlobs();
    if (present.size() < 4) {
      return false;
    }
    Digest d = pick(present);
    String write = nextId() + " DELETE /v2/" + repo + "/blobs/" + d;
    Response r = http.send("DELETE", "/v2/" + repo + "/blobs/" + d, null);
    ledger.blobDeleted(d, http.expect(r, 202, write), write);
    return true;
  }

  private boolean repushManifest() {
    List<Digest> candidates = new ArrayList<>();
    for (Digest d : ledger.deletedManifests()) {
      if (ledger.pushable(ledger.manifests.get(d))) {
        candidates.add(d);
      }
    }
    return !candidates.isEmpty() && put(ledger.manifests.get(pick(candidates)),
        random.nextInt(3) == 0 ? tagName() : null, "manifest re-PUT after its delete");
  }

  private Pushed image(String id, Digest subject, String subjectType, long subjectSize,
      String artifactType) {
    List<Digest> present = ledger.presentBlobs();
    if (present.size() < 2) {
      return null;
    }
    Digest config = pick(present);
    return OciManifests.image(id, new Blob(config, ledger.blobSources.get(config).size(),
        MediaTypes.OCI_CONFIG), layers(1 + random.nextInt(3)), subject, subjectType, subjectSize,
        artifactType);
  }

  private List<Blob> layers(int n) {
    List<Digest> present = ledger.presentBlobs();
    List<Blob> layers = new ArrayList<>();
    for (int i = 0; i < n && !present.isEmpty(); i++) {
      Digest d = present.remove(random.nextInt(present.size()));
      layers.add(new Blob(d, ledger.blobSources.get(d).size(), MediaTypes.OCI_LAYER_TAR_GZIP));
    }
    return layers;
  }

  private boolean put(Pushed m, String tag, String kind) {
    String reference = tag != null ? tag : m.digest().toString();
    String write = nextId() + " PUT /v2/" + repo + "/manifests/" + reference + " "
        + (m.mediaType().equals(MediaTypes.OCI_INDEX) ? "index " : "image manifest ")
        + m.digest() + (m.subject() != null ? " subject " + m.subject() : "")
        + (tag != null && ledger.tagTarget(tag).isPresent()
            ? " (tag named " + ledger.tagTarget(tag).get() + ")" : "");
    Response r = http.send("PUT", "/v2/" + repo + "/manifests/" + reference, m.bytes(),
        "Content-Type", m.mediaType());
    boolean ok = http.expect(r, 201, write);
    if (ok && !m.digest().toString().equals(r.header("Docker-Content-Digest"))) {
      http.violation("manifest PUT answered a wrong digest", write, r.toString());
    }
    ledger.manifestPut(m, tag, kind, ok, write);
    return true;
  }

  /** Mostly a manifest of this thread (present or deleted); sometimes one never pushed. */
  private Digest pickSubject(String id) {
    List<Digest> present = ledger.presentManifests();
    int dice = random.nextInt(10);
    if (dice < 7 && !present.isEmpty()) {
      return pick(present);
    }
    if (dice < 9 && !ledger.manifests.isEmpty()) {
      return pick(new ArrayList<>(ledger.manifests.keySet()));
    }
    return Digest.sha256(("never pushed " + repo + " " + id).getBytes(StandardCharsets.UTF_8));
  }

  private String pickType() {
    return pick(ARTIFACT_TYPES);
  }

  private String tagName() {
    return "t" + ledger.thread + "-" + random.nextInt(TAGS_PER_THREAD);
  }

  private String nextId() {
    return "r" + round + " t" + ledger.thread + " #" + (++sequence);
  }

  private <T> T pick(List<T> list) {
    return list.get(random.nextInt(list.size()));
  }
}
