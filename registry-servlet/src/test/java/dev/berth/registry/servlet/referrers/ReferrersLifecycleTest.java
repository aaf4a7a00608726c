package dev.berth.registry.servlet.referrers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.Registry;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.ReindexReport;
import dev.berth.registry.servlet.testing.JettyTestServer;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.TestServer;
import dev.berth.registry.layout.StoragePaths;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The referrers index on a filesystem registry: kept across restarts, equal to a rebuild, fed by
 * fallback tags, and pruned with its subjects when configured.
 */
class ReferrersLifecycleTest {

  @TempDir
  Path root;

  TestServer server;
  RegistryClient client;

  void start(Registry registry) throws Exception {
    if (server != null) {
      server.close();
    }
    server = JettyTestServer.start(registry);
    client = new RegistryClient(server.url());
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  Set<String> listed(String repo, Digest subject) {
    Set<String> set = new HashSet<>();
    client.get("/v2/" + repo + "/referrers/" + subject + "?n=1000").json()
        .getAsJsonArray("manifests")
        .forEach(e -> set.add(e.getAsJsonObject().get("digest").getAsString()));
    return set;
  }

  static Set<String> indexContents(Registry registry, String... repos) {
    Set<String> entries = new HashSet<>();
    for (String repo : repos) {
      registry.referrersIndex().forEach(RepositoryName.parse(repo), (subject, d) ->
          entries.add(repo + " " + subject + " <- " + d));
    }
    return entries;
  }

  @Test
  void theIndexSurvivesARestart() throws Exception {
    start(Registry.builder().filesystem(root).build());
    Digest subject = client.pushFixtureImage("app", "v1");
    Digest sig = client.pushSmallImage("app", "sig", "sig", subject, "application/vnd.example.sig");
    start(Registry.builder().filesystem(root).build());
    assertEquals(Set.of(sig.toString()), listed("app", subject));
  }

  @Test
  void aRebuildEqualsTheIncrementallyKeptIndex() throws Exception {
    Registry registry = Registry.builder().filesystem(root).build();
    start(registry);
    Digest image = client.pushFixtureImage("app", "v1");
    Digest sbom = client.pushSmallImage("app", "sbom", "sbom", image, "application/spdx+json");
    client.pushSmallImage("app", "sbom-sig", "sbom-sig", sbom, "application/vnd.example.sig");
    Digest gone = client.pushSmallImage("app", "gone", "gone", image, "application/vnd.example.sig");
    assertEquals(202, client.delete("/v2/app/manifests/" + gone).status());
    Digest missingSubject = Digest.sha256("absent".getBytes(StandardCharsets.UTF_8));
    client.pushSmallImage("team/lib", "orphan", "orphan", missingSubject, "t");
    Digest other = client.pushFixtureImage("team/lib", "v1");
    client.pushSmallImage("team/lib", "att", "att", other, "application/vnd.in-toto+json");

    Set<String> incremental = indexContents(registry, "app", "team/lib");
    assertEquals(4, incremental.size(), incremental::toString);

    ReindexReport noop = registry.reindex();
    assertEquals(0, noop.added(), "nothing was missing");
    assertEquals(0, noop.removed(), "nothing was stale");
    assertEquals(incremental, indexContents(registry, "app", "team/lib"));

    // Lose the index entirely, rebuild, compare.
    registry.storage().delete(StoragePaths.referrersDirectory(RepositoryName.parse("app")));
    registry.storage().delete(StoragePaths.referrersDirectory(RepositoryName.parse("team/lib")));
    Registry fresh = Registry.builder().filesystem(root).build();
    start(fresh);
    assertEquals(Set.of(), listed("app", image));
    ReindexReport rebuilt = fresh.reindex();
    assertEquals(4, rebuilt.added());
    assertEquals(2, rebuilt.repositories());
    assertEquals(incremental, indexContents(fresh, "app", "team/lib"));
    assertEquals(Set.of(sbom.toString()), listed("app", image));
    assertTrue(fresh.referrersIndexBuilt());
  }

  @Test
  void aRebuildDropsEntriesThatNoManifestBacks() throws Exception {
    Registry registry = Registry.builder().filesystem(root).build();
    start(registry);
    Digest image = client.pushFixtureImage("app", "v1");
    Digest sig = client.pushSmallImage("app", "sig", "sig", image, "t");
    // As if registry:2 had deleted the manifest behind Berth's back.
    registry.storage().delete(StoragePaths.revisionDirectory(RepositoryName.parse("app"), sig));
    ReindexReport report = registry.reindex();
    assertEquals(1, report.removed());
    assertEquals(Set.of(), listed("app", image));
  }

  /**
   * Enabling the referrers API over existing data must include what the {@code <alg>-<hex>}
   * fallback tag indexes list, even a manifest without a {@code subject} of its own.
   */
  @Test
  void aRebuildIncludesWhatFallbackTagsList() throws Exception {
    Registry registry = Registry.builder().filesystem(root).build();
    start(registry);
    Digest image = client.pushFixtureImage("app", "v1");
    Digest withSubject = client.pushSmallImage("app", withSubjectTag(), "ws", image, "type/with");
    Digest withoutSubject = client.pushSmallImage("app", "plain", "plain", null, null);
    JsonArray manifests = new JsonArray();
    for (Digest d : List.of(withSubject, withoutSubject)) {
      JsonObject entry = new JsonObject();
      entry.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
      entry.addProperty("digest", d.toString());
      entry.addProperty("size", client.get("/v2/app/manifests/" + d).body().length);
      entry.addProperty("artifactType", d.equals(withSubject) ? "type/with" : "type/from-tag");
      manifests.add(entry);
    }
    JsonObject index = new JsonObject();
    index.addProperty("schemaVersion", 2);
    index.addProperty("mediaType", MediaTypes.OCI_INDEX);
    index.add("manifests", manifests);
    assertEquals(201, client.putManifest("app", image.fallbackTag(), MediaTypes.OCI_INDEX,
        index.toString().getBytes(StandardCharsets.UTF_8)).status());
    // Forget the index as registry:2-written data would have none.
    registry.storage().delete(StoragePaths.referrersDirectory(RepositoryName.parse("app")));
    registry.storage().delete(StoragePaths.referrersIndexVersion());
    // Built whichever way Berth runs: the registry's start rebuilds an index it does not find.
    Registry fresh = Registry.builder().filesystem(root).build();
    assertTrue(fresh.referrersIndexBuilt());
    ReindexReport report = fresh.startReport().reindexed().orElseThrow();
    assertEquals(1, report.fromFallbackTags());
    start(fresh);
    assertEquals(Set.of(withSubject.toString(), withoutSubject.toString()), listed("app", image));
    JsonObject fromTag = client.get("/v2/app/referrers/" + image + "?artifactType=type%2Ffrom-tag")
        .json().getAsJsonArray("manifests").get(0).getAsJsonObject();
    assertEquals(withoutSubject.toString(), fromTag.get("digest").getAsString());
  }

  private static String withSubjectTag() {
    return "with-subject";
  }

  @Test
  void deletingASubjectDeletesItsUntaggedReferrersWhenConfigured() throws Exception {
    start(Registry.builder().filesystem(root).deleteReferrersWithSubject(true).build());
    Digest subject = client.pushFixtureImage("app", "v1");
    Digest untagged = client.pushSmallImage("app", "x", "untagged", subject, "t");
    assertEquals(202, client.delete("/v2/app/manifests/x").status());
    Digest tagged = client.pushSmallImage("app", "keep", "tagged", subject, "t");
    Digest ofUntagged = client.pushSmallImage("app", "y", "of-untagged", untagged, "t");
    assertEquals(202, client.delete("/v2/app/manifests/y").status());
    Digest ofTagged = client.pushSmallImage("app", "z", "of-tagged", tagged, "t");
    assertEquals(202, client.delete("/v2/app/manifests/z").status());

    assertEquals(202, client.delete("/v2/app/manifests/" + subject).status());
    assertEquals(404, client.get("/v2/app/manifests/" + untagged).status());
    assertEquals(404, client.get("/v2/app/manifests/" + ofUntagged).status(), "recursively");
    assertEquals(200, client.get("/v2/app/manifests/" + tagged).status(), "a tag keeps it");
    assertEquals(200, client.get("/v2/app/manifests/" + ofTagged).status(),
        "the referrer of a kept referrer stays");
    assertEquals(Set.of(tagged.toString()), listed("app", subject));
  }

  @Test
  void withoutTheOptionReferrersOutliveTheirSubjectUntilCollected() throws Exception {
    start(Registry.builder().filesystem(root).build());
    Digest subject = client.pushFixtureImage("app", "v1");
    Digest sig = client.pushSmallImage("app", "x", "sig", subject, "t");
    assertEquals(202, client.delete("/v2/app/manifests/x").status());
    assertEquals(202, client.delete("/v2/app/manifests/" + subject).status());
    assertEquals(200, client.get("/v2/app/manifests/" + sig).status());
    assertEquals(Set.of(sig.toString()), listed("app", subject));
  }
}
