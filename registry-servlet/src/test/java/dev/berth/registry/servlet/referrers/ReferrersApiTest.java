package dev.berth.registry.servlet.referrers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** OCI 1.1 referrers over HTTP: {@code /v2/<name>/referrers/<digest>}. */
public class ReferrersApiTest extends HttpSuite {

  static final Pattern NEXT = Pattern.compile("^<([^>]+)>;\\s*rel=\"next\"$");

  static List<JsonObject> manifests(Response r) {
    List<JsonObject> list = new ArrayList<>();
    for (JsonElement e : r.json().getAsJsonArray("manifests")) {
      list.add(e.getAsJsonObject());
    }
    return list;
  }

  static Set<String> digests(List<JsonObject> entries) {
    Set<String> set = new HashSet<>();
    entries.forEach(e -> set.add(e.get("digest").getAsString()));
    return set;
  }

  /** Follows {@code Link} headers from {@code first}, returning every entry seen in order. */
  List<JsonObject> walk(String first) {
    List<JsonObject> all = new ArrayList<>();
    String next = first;
    int pages = 0;
    while (next != null) {
      Response r = client.get(next);
      assertEquals(200, r.status(), r::toString);
      all.addAll(manifests(r));
      String link = r.header("Link");
      if (link == null) {
        next = null;
      } else {
        Matcher m = NEXT.matcher(link);
        assertTrue(m.matches(), link);
        next = m.group(1);
      }
      assertTrue(++pages < 1000, "too many pages");
    }
    return all;
  }

  @Test
  void answersWithTheIndexAClientWouldHaveBuiltAsFallback() {
    Digest subject = client.pushFixtureImage("fixtures/umoci-oci", "amd64");
    client.pushBlob("fixtures/umoci-oci", Fixtures.bytes(Fixtures.ORAS_JAVA_SBOM));
    Response put = client.putManifest("fixtures/umoci-oci",
        Fixtures.digest(Fixtures.ORAS_JAVA_ARTIFACT).toString(), MediaTypes.OCI_MANIFEST,
        Fixtures.bytes(Fixtures.ORAS_JAVA_ARTIFACT));
    assertEquals(201, put.status(), put::toString);
    assertEquals(subject.toString(), put.header("OCI-Subject"));

    Response r = client.get("/v2/fixtures/umoci-oci/referrers/" + subject);
    assertEquals(200, r.status());
    assertEquals(MediaTypes.OCI_INDEX, r.header("Content-Type"));
    assertArrayEquals(Fixtures.bytes(Fixtures.REFERRERS_TAG_INDEX), r.body(),
        "byte-identical to the fallback index oras-go writes: " + r.text());
    assertNull(r.header("OCI-Filters-Applied"));
    assertNull(r.header("Link"));
  }

  @Test
  void acceptsAndIndexesReferrersWhoseSubjectIsMissing() {
    Digest absent = Digest.sha256("never pushed".getBytes(StandardCharsets.UTF_8));
    Digest sig = client.pushSmallImage("app", "sha256-x1", "sig", absent, "application/vnd.example.sig");
    // An index with a subject, pushed by digest, before its subject exists.
    JsonObject index = new JsonObject();
    index.addProperty("schemaVersion", 2);
    index.addProperty("mediaType", MediaTypes.OCI_INDEX);
    index.addProperty("artifactType", "application/vnd.example.index-artifact");
    index.add("manifests", new JsonArray());
    JsonObject subjectDescriptor = new JsonObject();
    subjectDescriptor.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
    subjectDescriptor.addProperty("digest", absent.toString());
    subjectDescriptor.addProperty("size", 123);
    index.add("subject", subjectDescriptor);
    byte[] indexBytes = index.toString().getBytes(StandardCharsets.UTF_8);
    Digest indexDigest = Digest.sha256(indexBytes);
    Response put = client.putManifest("app", indexDigest.toString(), MediaTypes.OCI_INDEX,
        indexBytes);
    assertEquals(201, put.status(), put::toString);
    assertEquals(absent.toString(), put.header("OCI-Subject"));

    List<JsonObject> listed = manifests(client.get("/v2/app/referrers/" + absent));
    assertEquals(Set.of(sig.toString(), indexDigest.toString()), digests(listed));
    for (JsonObject e : listed) {
      if (e.get("digest").getAsString().equals(indexDigest.toString())) {
        assertEquals(MediaTypes.OCI_INDEX, e.get("mediaType").getAsString());
        assertEquals("application/vnd.example.index-artifact", e.get("artifactType").getAsString());
        assertEquals(indexBytes.length, e.get("size").getAsLong());
      }
    }
  }

  @Test
  void artifactTypeFallsBackToTheConfigMediaTypeAndAnnotationsAreCopied() {
    Digest subject = client.pushFixtureImage("app", "v1");
    // cosign's OCI 1.1 mode: a type-specific config and no artifactType.
    byte[] config = "{\"cosign\":true}".getBytes(StandardCharsets.UTF_8);
    Digest configDigest = client.pushBlob("app", config);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"application/vnd.dev.cosign.artifact.sig.v1+json\","
        + "\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},"
        + "\"layers\":[],\"subject\":{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"digest\":\"" + subject + "\",\"size\":345},"
        + "\"annotations\":{\"b.second\":\"2\",\"a.first\":\"1\",\"org.opencontainers.image.created\":"
        + "\"2026-11-28T00:00:00Z\"}}";
    byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
    assertEquals(201, client.putManifest("app", Digest.sha256(bytes).toString(),
        MediaTypes.OCI_MANIFEST, bytes).status());
    JsonObject entry = manifests(client.get("/v2/app/referrers/" + subject)).get(0);
    assertEquals("application/vnd.dev.cosign.artifact.sig.v1+json",
        entry.get("artifactType").getAsString());
    JsonObject annotations = entry.getAsJsonObject("annotations");
    assertEquals(3, annotations.size());
    assertEquals("1", annotations.get("a.first").getAsString());
    assertEquals("2", annotations.get("b.second").getAsString());
    assertEquals("2026-11-28T00:00:00Z",
        annotations.get("org.opencontainers.image.created").getAsString());
  }

  @Test
  void filtersByArtifactTypeAndSaysSo() {
    Digest subject = client.pushFixtureImage("app", "v1");
    for (int i = 0; i < 3; i++) {
      client.pushSmallImage("app", "sig" + i, "sig" + i, subject, "application/vnd.cncf.notary.signature");
      client.pushSmallImage("app", "sbom" + i, "sbom" + i, subject, "application/spdx+json");
    }
    Response all = client.get("/v2/app/referrers/" + subject);
    assertEquals(6, manifests(all).size());
    assertNull(all.header("OCI-Filters-Applied"));

    Response sboms = client.get("/v2/app/referrers/" + subject + "?artifactType=application%2Fspdx%2Bjson");
    assertEquals("artifactType", sboms.header("OCI-Filters-Applied"));
    List<JsonObject> listed = manifests(sboms);
    assertEquals(3, listed.size());
    listed.forEach(e -> assertEquals("application/spdx+json", e.get("artifactType").getAsString()));
    // A '+' written unencoded (as in a hand-typed curl URL) is a plus, not a space.
    assertEquals(3, manifests(client.get("/v2/app/referrers/" + subject
        + "?artifactType=application/spdx+json")).size());

    Response none = client.get("/v2/app/referrers/" + subject + "?artifactType=x%2Fnone");
    assertEquals(0, manifests(none).size());
    assertEquals("artifactType", none.header("OCI-Filters-Applied"));
  }

  @Test
  void unknownSubjectsAndRepositoriesHaveEmptyIndexesNever404() {
    client.pushFixtureImage("app", "v1");
    for (String path : List.of("/v2/app/referrers/sha256:" + "0".repeat(64),
        "/v2/no/such/repo/referrers/sha256:" + "0".repeat(64))) {
      Response r = client.get(path);
      assertEquals(200, r.status(), path);
      assertEquals(MediaTypes.OCI_INDEX, r.header("Content-Type"));
      JsonObject body = r.json();
      assertEquals(2, body.get("schemaVersion").getAsInt());
      assertEquals(MediaTypes.OCI_INDEX, body.get("mediaType").getAsString());
      assertEquals(0, body.getAsJsonArray("manifests").size());
    }
  }

  @Test
  void malformedDigestOrNameIs400() {
    Response bad = client.get("/v2/app/referrers/sha256:nothex");
    assertEquals(400, bad.status());
    assertEquals(List.of("DIGEST_INVALID"), bad.errorCodes());
    Response badName = client.get("/v2/App/referrers/sha256:" + "0".repeat(64));
    assertEquals(400, badName.status());
    assertEquals(List.of("NAME_INVALID"), badName.errorCodes());
    Response badN = client.get("/v2/app/referrers/sha256:" + "0".repeat(64) + "?n=-2");
    assertEquals(400, badN.status());
    assertEquals(List.of("PAGINATION_NUMBER_INVALID"), badN.errorCodes());
    Response badCursor = client.get("/v2/app/referrers/sha256:" + "0".repeat(64) + "?cursor=bm90LWEtZGlnZXN0");
    assertEquals(400, badCursor.status());
    assertEquals(List.of("PAGINATION_NUMBER_INVALID"), badCursor.errorCodes());
  }

  @Test
  void pagesWithLinkUntilTheEndInDigestOrder() {
    Digest subject = client.pushFixtureImage("app", "v1");
    List<String> pushed = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      pushed.add(client.pushSmallImage("app", "r" + i, "r" + i, subject, "t/" + (i % 2)).toString());
    }
    Response first = client.get("/v2/app/referrers/" + subject + "?n=4");
    assertEquals(4, manifests(first).size());
    assertTrue(first.header("Link").contains("n=4"), first.header("Link"));
    List<JsonObject> all = walk("/v2/app/referrers/" + subject + "?n=4");
    List<String> order = all.stream().map(e -> e.get("digest").getAsString()).toList();
    assertEquals(pushed.stream().sorted().toList(), order, "ascending digest order, each once");

    List<JsonObject> typed = walk("/v2/app/referrers/" + subject + "?n=2&artifactType=t%2F1");
    assertEquals(5, typed.size());
    typed.forEach(e -> assertEquals("t/1", e.get("artifactType").getAsString()));

    Response exact = client.get("/v2/app/referrers/" + subject + "?n=11");
    assertEquals(11, manifests(exact).size());
    assertNull(exact.header("Link"), "no Link when the page ends the list");
  }

  @Test
  void cursorWalkIsStableWhileReferrersComeAndGo() {
    Digest subject = client.pushFixtureImage("app", "v1");
    Set<String> permanent = new HashSet<>();
    List<String> doomed = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      permanent.add(client.pushSmallImage("app", "keep" + i, "keep" + i, subject, "t").toString());
    }
    for (int i = 0; i < 8; i++) {
      doomed.add(client.pushSmallImage("app", "doomed" + i, "doomed" + i, subject, "t").toString());
    }
    List<String> seen = new ArrayList<>();
    String next = "/v2/app/referrers/" + subject + "?n=5";
    int round = 0;
    while (next != null) {
      Response page = client.get(next);
      manifests(page).forEach(e -> seen.add(e.get("digest").getAsString()));
      String link = page.header("Link");
      next = link == null ? null : NEXT.matcher(link).replaceAll("$1");
      // Between pages: a new referrer arrives and a doomed one is deleted.
      client.pushSmallImage("app", "late" + round, "late" + round, subject, "t");
      if (round < doomed.size()) {
        assertEquals(202, client.delete("/v2/app/manifests/" + doomed.get(round)).status());
      }
      round++;
    }
    List<String> permanentSeen = seen.stream().filter(permanent::contains).toList();
    assertEquals(permanent, new HashSet<>(permanentSeen), "every permanent referrer appears");
    assertEquals(permanent.size(), permanentSeen.size(), "and only once");
    assertEquals(seen.size(), new HashSet<>(seen).size(), "no referrer twice");
  }

  @Test
  void deletingAReferrerRemovesItAtOnce() {
    Digest subject = client.pushFixtureImage("app", "v1");
    Digest a = client.pushSmallImage("app", "a", "a", subject, "t");
    Digest b = client.pushSmallImage("app", "b", "b", subject, "t");
    assertEquals(202, client.delete("/v2/app/manifests/" + a).status());
    assertEquals(Set.of(b.toString()), digests(manifests(client.get("/v2/app/referrers/" + subject))));
  }

  @Test
  void referrersOfReferrersWork() {
    Digest image = client.pushFixtureImage("app", "v1");
    Digest sbom = client.pushSmallImage("app", "sbom", "sbom", image, "application/spdx+json");
    Digest sbomSignature = client.pushSmallImage("app", "sbom-sig", "sbom-sig", sbom,
        "application/vnd.cncf.notary.signature");
    assertEquals(Set.of(sbom.toString()), digests(manifests(client.get("/v2/app/referrers/" + image))));
    assertEquals(Set.of(sbomSignature.toString()),
        digests(manifests(client.get("/v2/app/referrers/" + sbom))));
  }

  @Test
  void referrersAreScopedToTheirRepository() {
    Digest subject = client.pushFixtureImage("one", "v1");
    client.pushFixtureImage("two", "v1");
    client.pushSmallImage("one", "sig", "sig", subject, "t");
    assertEquals(1, manifests(client.get("/v2/one/referrers/" + subject)).size());
    assertEquals(0, manifests(client.get("/v2/two/referrers/" + subject)).size());
  }

  @Test
  void smallestAndLargestPageSizes() {
    Digest subject = client.pushFixtureImage("app", "v1");
    client.pushSmallImage("app", "x", "x", subject, "t");
    Response zero = client.get("/v2/app/referrers/" + subject + "?n=0");
    assertEquals(200, zero.status());
    assertEquals(0, manifests(zero).size());
    assertNull(zero.header("Link"));
    Response huge = client.get("/v2/app/referrers/" + subject + "?n=100000");
    assertEquals(1, manifests(huge).size());
    assertFalse(huge.text().contains("null"));
  }

  @Test
  void relativeLinkKeepsTheFilterAndPageSize() {
    Digest subject = client.pushFixtureImage("app", "v1");
    for (int i = 0; i < 3; i++) {
      client.pushSmallImage("app", "s" + i, "s" + i, subject, "application/spdx+json");
    }
    String link = client.get("/v2/app/referrers/" + subject + "?n=1&artifactType=application%2Fspdx%2Bjson")
        .header("Link");
    Matcher m = NEXT.matcher(link);
    assertTrue(m.matches(), link);
    assertTrue(m.group(1).startsWith("/v2/app/referrers/" + subject + "?"), link);
    assertTrue(m.group(1).contains("artifactType=application%2Fspdx%2Bjson"), link);
    assertTrue(m.group(1).contains("n=1"), link);
    assertTrue(m.group(1).contains("cursor="), link);
    assertEquals("artifactType", client.get(m.group(1)).header("OCI-Filters-Applied"));
    assertEquals(RegistryClient.class, client.getClass());
  }

  @Test
  void headAnswersLikeGetWithoutABody() {
    Digest subject = client.pushFixtureImage("app", "v1");
    client.pushSmallImage("app", "sig", "sig", subject, "t");
    for (String path : List.of("/v2/app/referrers/" + subject,
        "/oras/artifacts/v1/app/manifests/" + subject + "/referrers")) {
      Response get = client.get(path);
      Response head = client.head(path);
      assertEquals(200, head.status(), path);
      assertEquals(get.header("Content-Type"), head.header("Content-Type"));
      assertEquals(String.valueOf(get.body().length), head.header("Content-Length"));
      assertEquals(0, head.body().length);
    }
  }
}
