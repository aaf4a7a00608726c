package dev.berth.it.support;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.it.support.CrashLedger.Pushed;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The invariants a registry must keep across a SIGKILL, checked over HTTP against the restarted
 * launcher (and on its directory, for the blob files and to say what is on disk): no acknowledged
 * write lost and no acknowledged delete undone; every listed tag resolves; the referrers index
 * lists exactly the manifests with that subject; every blob file holds what its path names; and a
 * manifest DELETE cut by the kill finishes when retried. Afterwards each ledger is brought in line
 * with what was seen, so that the next round starts from known state.
 */
public final class CrashChecks {

  /** What the restarted registry served for one thread's keys. */
  private static final class Seen {
    final Map<Digest, Boolean> blobs = new HashMap<>();
    final Map<Digest, Boolean> manifests = new HashMap<>();
    final Map<String, Optional<Digest>> tags = new HashMap<>();
  }

  private final RegistryClient client;
  private final StorageProbe disk;
  private final int round;
  private final Violations violations;
  private final Tally checks;
  private final String when;

  public CrashChecks(RegistryClient client, StorageProbe disk, int round, Violations violations,
      Tally checks) {
    this.client = client;
    this.disk = disk;
    this.round = round;
    this.violations = violations;
    this.checks = checks;
    this.when = "after the restart of round " + round;
  }

  public void run(List<CrashLedger> ledgers) {
    Map<CrashLedger, Seen> seen = new LinkedHashMap<>();
    for (CrashLedger ledger : ledgers) {
      seen.put(ledger, observe(ledger));
    }
    Map<String, List<CrashLedger>> byRepository = new LinkedHashMap<>();
    ledgers.forEach(l -> byRepository.computeIfAbsent(l.repository, r -> new ArrayList<>()).add(l));
    byRepository.forEach((repo, owners) -> checkTagList(repo, owners, seen));
    for (CrashLedger ledger : ledgers) {
      checkReferrers(ledger, seen.get(ledger));
    }
    checks.add("blob data files hashed", disk.verifyBlobFiles((path, found) -> violation(
        "blob data file does not hash to its path", path, found)));
    Map<Digest, String> deleteHistory = new HashMap<>();
    ledgers.forEach(l -> l.interruptedDeletes.forEach(
        d -> deleteHistory.put(d, l.manifestPresence.get(d).describe())));
    seen.forEach(this::resync);
    for (CrashLedger ledger : ledgers) {
      retryInterruptedDeletes(ledger, seen.get(ledger), deleteHistory);
    }
  }

  /** Reads every blob, manifest and tag the thread ever wrote, and compares with its ledger. */
  private Seen observe(CrashLedger ledger) {
    Seen seen = new Seen();
    String repo = ledger.repository;
    ledger.blobs.forEach((d, o) -> {
      Response r = client.get("/v2/" + repo + "/blobs/" + d);
      checks.add("blob GET");
      Boolean present = presence(r, "blob GET failed", repo + "@" + d);
      if (present == null) {
        return;
      }
      if (present && !Digest.sha256(r.body()).equals(d)) {
        violation("blob served with other bytes", repo + "@" + d, r.body().length
            + " bytes hashing to " + Digest.sha256(r.body()));
      }
      if (!o.allows(present)) {
        violation(present ? "deleted blob is served again" : "acknowledged blob lost",
            repo + "@" + d, "GET answered " + r.status() + "; " + o.describe());
      }
      seen.blobs.put(d, present);
    });
    ledger.manifestPresence.forEach((d, o) -> {
      Response r = getManifest(repo, d.toString());
      checks.add("manifest GET by digest");
      Boolean present = presence(r, "manifest GET failed", repo + "@" + d);
      if (present == null) {
        return;
      }
      Pushed pushed = ledger.manifests.get(d);
      if (present && !Arrays.equals(pushed.bytes(), r.body())) {
        violation("manifest served with other bytes", repo + "@" + d, r.toString());
      }
      if (present && !pushed.mediaType().equals(r.header("Content-Type"))) {
        violation("manifest served with another Content-Type", repo + "@" + d, r.toString());
      }
      if (!o.allows(present)) {
        violation(present ? "deleted manifest is served again" : "acknowledged manifest lost",
            repo + "@" + d, "GET answered " + r.status() + "; on disk: "
                + disk.describeManifest(repo, d) + "; " + o.describe());
      }
      seen.manifests.put(d, present);
    });
    ledger.tags.forEach((tag, o) -> {
      Optional<Digest> value = resolve(repo, tag);
      checks.add("tag GET");
      if (value == null) {
        return;
      }
      if (!o.allows(value)) {
        String kind = value.isEmpty() ? "acknowledged tag lost"
            : o.is(Optional.empty()) ? "deleted tag resolves again"
            : "tag resolves to a manifest no write gave it";
        violation(kind, repo + ":" + tag, "GET answered " + value.map(Digest::toString)
            .orElse("404") + "; " + disk.describeTag(repo, tag) + "; " + o.describe());
      }
      seen.tags.put(tag, value);
    });
    return seen;
  }

  /** Every listed tag resolves, and every tag that resolves is listed. */
  private void checkTagList(String repo, List<CrashLedger> owners, Map<CrashLedger, Seen> seen) {
    List<String> listed = Listing.tags(client, repo);
    checks.add("tags/list");
    if (listed == null) {
      violation("tags/list failed", repo, "see the launcher log");
      return;
    }
    Map<String, CrashLedger> ownerOf = new HashMap<>();
    Map<String, Optional<Digest>> resolved = new HashMap<>();
    owners.forEach(l -> {
      l.tags.keySet().forEach(t -> ownerOf.put(t, l));
      resolved.putAll(seen.get(l).tags);
    });
    for (String tag : listed) {
      Optional<Digest> value = resolved.containsKey(tag) ? resolved.get(tag) : resolve(repo, tag);
      checks.add("listed tag resolves");
      if (value != null && value.isEmpty()) {
        CrashLedger owner = ownerOf.get(tag);
        violation("listed tag does not resolve", repo + ":" + tag, "tags/list lists it, GET "
            + "/v2/" + repo + "/manifests/" + tag + " answered 404; " + disk.describeTag(repo, tag)
            + "; " + (owner == null ? "no thread wrote this tag" : owner.tags.get(tag).describe()));
      }
    }
    resolved.forEach((tag, value) -> {
      if (value.isPresent() && !listed.contains(tag)) {
        violation("resolvable tag missing from tags/list", repo + ":" + tag,
            "GET resolves it to " + value.get() + "; tags/list: " + listed);
      }
    });
  }

  /**
   * Every referrers entry names a manifest of the repository with that subject, described as it
   * is; every manifest with a subject that is served is listed under it.
   */
  private void checkReferrers(CrashLedger ledger, Seen seen) {
    String repo = ledger.repository;
    for (Digest subject : ledger.subjects) {
      List<JsonObject> entries = Listing.referrers(client, repo, subject);
      checks.add("referrers list");
      if (entries == null) {
        violation("referrers list failed", repo + " subject " + subject, "see the launcher log");
        continue;
      }
      Set<Digest> listed = new LinkedHashSet<>();
      for (JsonObject entry : entries) {
        checks.add("referrers entry names a served manifest");
        Digest d = Digest.tryParse(entry.get("digest").getAsString());
        listed.add(d);
        Pushed pushed = ledger.manifests.get(d);
        String key = repo + " subject " + subject + " -> " + d;
        if (pushed == null) {
          violation("referrers entry names a manifest never pushed", key, entry.toString());
          continue;
        }
        Boolean present = seen.manifests.get(d);
        if (!Boolean.TRUE.equals(present)) {
          violation("referrers entry outlives its manifest", key, "GET of the manifest answered "
              + (present == null ? "an error" : "404") + "; "
              + disk.describeReferrers(repo, subject, d) + "; manifest "
              + ledger.manifestPresence.get(d).describe());
        }
        if (!subject.equals(pushed.subject())) {
          violation("referrers entry under another subject", key, "its subject is "
              + pushed.subject());
        }
        if (!pushed.mediaType().equals(string(entry, "mediaType"))
            || entry.get("size").getAsLong() != pushed.bytes().length
            || !java.util.Objects.equals(pushed.artifactType(), string(entry, "artifactType"))) {
          violation("referrers entry describes its manifest wrongly", key, entry + " for "
              + pushed.mediaType() + ", " + pushed.bytes().length + " bytes, artifactType "
              + pushed.artifactType());
        }
      }
      ledger.manifests.forEach((d, pushed) -> {
        if (subject.equals(pushed.subject()) && Boolean.TRUE.equals(seen.manifests.get(d))
            && !listed.contains(d)) {
          violation("served manifest with a subject missing from the referrers index",
              repo + " subject " + subject + " -> " + d, "GET " + d + " answers 200; "
                  + disk.describeReferrers(repo, subject, d) + "; manifest "
                  + ledger.manifestPresence.get(d).describe());
        }
      });
    }
  }

  /** The next round starts from what the restarted registry served. */
  private void resync(CrashLedger ledger, Seen seen) {
    seen.blobs.forEach((d, v) -> ledger.blobs.get(d).observed(List.of(v), when));
    seen.manifests.forEach((d, v) -> ledger.manifestPresence.get(d).observed(List.of(v), when));
    seen.tags.forEach((tag, v) -> {
      List<Optional<Digest>> values = new ArrayList<>(List.of(v));
      // A tag left naming a deleted manifest resolves again if that manifest is pushed again.
      disk.tagLink(ledger.repository, tag).filter(d -> v.isEmpty())
          .ifPresent(d -> values.add(Optional.of(d)));
      ledger.tags.get(tag).observed(values, when);
    });
  }

  /**
   * A DELETE the kill cut is sent again: it must finish the delete (202; the manifest and every
   * tag on it gone), or answer 404 only when the first attempt had already finished it.
   */
  private void retryInterruptedDeletes(CrashLedger ledger, Seen seen,
      Map<Digest, String> history) {
    String repo = ledger.repository;
    for (Digest d : ledger.interruptedDeletes) {
      String path = "/v2/" + repo + "/manifests/" + d;
      String key = repo + "@" + d;
      String before = disk.describeManifest(repo, d);
      Response r = client.delete(path);
      checks.add("retried manifest DELETE");
      Response after = getManifest(repo, d.toString());
      List<String> tagsLeft = disk.tagsNaming(repo, d);
      String seenBefore = "before the retry: GET answered "
          + (Boolean.TRUE.equals(seen.manifests.get(d)) ? "200" : "404") + ", " + before
          + "; manifest " + history.get(d);
      if (r.status() == 202) {
        if (after.status() != 404) {
          violation("retried DELETE answered 202 but the manifest is served", key,
              "GET answered " + after.status() + "; " + seenBefore);
        }
        if (!tagsLeft.isEmpty()) {
          violation("retried DELETE answered 202 but tags still name the manifest", key,
              "tags " + tagsLeft + "; " + seenBefore);
        }
      } else if (r.status() == 404) {
        if (after.status() != 404 || !tagsLeft.isEmpty()) {
          violation("retried DELETE answered 404 but the delete is unfinished", key,
              "GET answered " + after.status() + ", tags still naming it " + tagsLeft + "; "
                  + seenBefore);
        }
      } else {
        violation("retried DELETE failed", key, r.toString());
      }
      Pushed pushed = ledger.manifests.get(d);
      if (pushed.subject() != null) {
        List<JsonObject> entries = Listing.referrers(client, repo, pushed.subject());
        checks.add("referrers list");
        if (entries != null && entries.stream()
            .anyMatch(e -> d.toString().equals(e.get("digest").getAsString()))) {
          violation("retried DELETE left the referrers entry", key,
              disk.describeReferrers(repo, pushed.subject(), d));
        }
      }
      ledger.manifestDeleted(d, "manifest DELETE retried after restart", r.status() == 202,
          "DELETE " + path + " retried " + when + ": " + r.status());
    }
    ledger.interruptedDeletes.clear();
  }

  /** True for 200, false for 404, null (and a violation) for anything else. */
  private Boolean presence(Response r, String kind, String key) {
    if (r.status() == 200 || r.status() == 404) {
      return r.status() == 200;
    }
    violation(kind, key, r.toString());
    return null;
  }

  /** The digest a tag resolves to (empty for 404), or null after a violation. */
  private Optional<Digest> resolve(String repo, String tag) {
    Response r = getManifest(repo, tag);
    Boolean present = presence(r, "manifest GET by tag failed", repo + ":" + tag);
    if (present == null) {
      return null;
    }
    if (!present) {
      return Optional.empty();
    }
    Digest body = Digest.sha256(r.body());
    if (!body.toString().equals(r.header("Docker-Content-Digest"))) {
      violation("tag served with a wrong Docker-Content-Digest", repo + ":" + tag, r.toString());
    }
    return Optional.of(body);
  }

  private Response getManifest(String repo, String reference) {
    return client.get("/v2/" + repo + "/manifests/" + reference, "Accept",
        RegistrySnapshot.ACCEPT);
  }

  private static String string(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }

  private void violation(String kind, String key, String detail) {
    violations.add(round, kind, key, detail);
  }
}
