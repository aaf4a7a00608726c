package dev.berth.it.support;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a registry serves, found the way a client pulls it: the catalog, every repository's
 * tag list, every manifest by tag and by digest (following index children), and every blob a
 * manifest names (config, layers, ORAS {@code blobs}) plus the loose blobs the test names. Two
 * snapshots of the same directory, taken through two registries, must be equal.
 */
public final class RegistrySnapshot {

  /** Every manifest type both know; registry:2 404s a type that the client does not accept. */
  public static final String ACCEPT = String.join(", ",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");

  /** A manifest as served: {@code Content-Type}, {@code Docker-Content-Digest} and the bytes. */
  public record Manifest(String contentType, String digestHeader, byte[] body) {
    public Digest bodyDigest() {
      return Digest.sha256(body);
    }

    @Override
    public String toString() {
      return contentType + " " + digestHeader + " " + body.length + " bytes (" + bodyDigest() + ")";
    }
  }

  /** A blob as served: the digest and size of its body and its {@code Content-Type}. */
  public record Blob(Digest bodyDigest, long size, String contentType) {}

  public final List<String> catalog;
  /**
   * Repository to its tag list, in the served order. registry:2 2.8.2 serves tags in directory
   * order, not lexically as the distribution spec asks ({@code GET /v2/library/app/tags/list} gives
   * {@code ["latest","sha256-2782…","multi","arm64",…]}), so lists are compared sorted.
   */
  public final Map<String, List<String>> tags = new TreeMap<>();
  /** {@code repo:tag} and {@code repo@digest} to what was served. */
  public final Map<String, Manifest> manifests = new TreeMap<>();
  /** {@code repo@digest} to what was served. */
  public final Map<String, Blob> blobs = new TreeMap<>();

  private RegistrySnapshot(List<String> catalog) {
    this.catalog = catalog;
  }

  /**
   * Walks the registry at {@code client}; fails on any answer but 200.
   *
   * @param looseBlobs per repository, blobs that no manifest names but must be there too
   */
  public static RegistrySnapshot take(RegistryClient client,
      Map<String, ? extends Collection<Digest>> looseBlobs) {
    return take(client, looseBlobs, Map.of());
  }

  /**
   * The same, also fetching manifests that no tag reaches.
   *
   * @param looseManifests per repository, untagged manifests that no index names
   */
  public static RegistrySnapshot take(RegistryClient client,
      Map<String, ? extends Collection<Digest>> looseBlobs,
      Map<String, ? extends Collection<Digest>> looseManifests) {
    RegistryClient.Response catalog = ok(client, "/v2/_catalog");
    assertNull(catalog.header("Link"), () -> "catalog paged unexpectedly: " + catalog);
    RegistrySnapshot s = new RegistrySnapshot(
        strings(catalog.json().getAsJsonArray("repositories")));
    for (String repo : s.catalog) {
      RegistryClient.Response tagList = ok(client, "/v2/" + repo + "/tags/list");
      assertEquals(repo, tagList.json().get("name").getAsString(), tagList::toString);
      List<String> tags = strings(tagList.json().getAsJsonArray("tags"));
      s.tags.put(repo, tags);
      Deque<String> pending = new ArrayDeque<>();
      Set<String> blobs = new LinkedHashSet<>();
      for (String tag : tags) {
        Manifest m = s.manifest(client, repo, ":", tag);
        pending.add(m.digestHeader());
      }
      Collection<Digest> untagged = looseManifests.get(repo);
      if (untagged != null) {
        untagged.forEach(d -> pending.add(d.toString()));
      }
      Set<String> seen = new LinkedHashSet<>();
      while (!pending.isEmpty()) {
        String digest = pending.poll();
        if (!seen.add(digest)) {
          continue;
        }
        Manifest m = s.manifest(client, repo, "@", digest);
        JsonObject json = JsonParser.parseString(new String(m.body(), StandardCharsets.UTF_8))
            .getAsJsonObject();
        for (JsonObject child : objects(json, "manifests")) {
          pending.add(child.get("digest").getAsString());
        }
        if (json.has("config")) {
          blobs.add(json.getAsJsonObject("config").get("digest").getAsString());
        }
        for (JsonObject layer : objects(json, "layers")) {
          blobs.add(layer.get("digest").getAsString());
        }
        for (JsonObject blob : objects(json, "blobs")) {
          blobs.add(blob.get("digest").getAsString());
        }
      }
      Collection<Digest> loose = looseBlobs.get(repo);
      if (loose != null) {
        loose.forEach(d -> blobs.add(d.toString()));
      }
      for (String digest : blobs) {
        RegistryClient.Response r = ok(client, "/v2/" + repo + "/blobs/" + digest);
        s.blobs.put(repo + "@" + digest, new Blob(Digest.sha256(r.body()), r.body().length,
            r.header("Content-Type")));
      }
    }
    return s;
  }

  private Manifest manifest(RegistryClient client, String repo, String separator, String ref) {
    RegistryClient.Response r = ok(client, "/v2/" + repo + "/manifests/" + ref, "Accept", ACCEPT);
    Manifest m = new Manifest(r.header("Content-Type"), r.header("Docker-Content-Digest"),
        r.body());
    manifests.put(repo + separator + ref, m);
    return m;
  }

  /**
   * Asserts that {@code actual} serves exactly what this snapshot served: the same catalog, tag
   * lists, manifest bytes, types and digest headers, and blob bytes. Also checks that every body
   * hashes to the digest it was asked for.
   */
  public void assertServedSameBy(RegistrySnapshot actual, String who) {
    assertEquals(catalog, actual.catalog, who + ": catalog");
    assertEquals(sortedTags(), actual.sortedTags(), who + ": tag lists");
    assertEquals(manifests.keySet(), actual.manifests.keySet(), who + ": manifests reached");
    for (Map.Entry<String, Manifest> e : manifests.entrySet()) {
      Manifest want = e.getValue();
      Manifest got = actual.manifests.get(e.getKey());
      assertArrayEquals(want.body(), got.body(), who + ": bytes of manifest " + e.getKey());
      assertEquals(want.contentType(), got.contentType(), who + ": Content-Type of " + e.getKey());
      assertEquals(want.digestHeader(), got.digestHeader(),
          who + ": Docker-Content-Digest of " + e.getKey());
      assertEquals(want.bodyDigest().toString(), got.digestHeader(),
          who + ": digest header of " + e.getKey() + " vs its body");
    }
    assertEquals(blobs, actual.blobs, who + ": blobs (digest and size of each body, type)");
    for (Map.Entry<String, Blob> e : actual.blobs.entrySet()) {
      String asked = e.getKey().substring(e.getKey().indexOf('@') + 1);
      assertEquals(asked, e.getValue().bodyDigest().toString(), who + ": body of " + e.getKey());
    }
  }

  /** The tag lists, each sorted. */
  public Map<String, List<String>> sortedTags() {
    Map<String, List<String>> sorted = new TreeMap<>();
    tags.forEach((repo, list) -> sorted.put(repo, list.stream().sorted().toList()));
    return sorted;
  }

  @Override
  public String toString() {
    return "catalog " + catalog + "\ntags " + tags + "\nmanifests " + manifests.keySet()
        + "\nblobs " + blobs.keySet();
  }

  private static RegistryClient.Response ok(RegistryClient client, String path, String... headers) {
    RegistryClient.Response r = client.get(path, headers);
    if (r.status() != 200) {
      fail("GET " + client.resolve(path) + " -> " + r);
    }
    return r;
  }

  private static List<String> strings(JsonArray array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(e -> out.add(e.getAsString()));
    }
    return out;
  }

  private static List<JsonObject> objects(JsonObject json, String field) {
    List<JsonObject> out = new ArrayList<>();
    JsonElement e = json.get(field);
    if (e != null && e.isJsonArray()) {
      e.getAsJsonArray().forEach(x -> out.add(x.getAsJsonObject()));
    }
    return out;
  }
}
