package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tags as references: a PUT moves one, DELETE by tag drops only the tag, by digest every tag. */
public class TagApiTest extends HttpSuite {

  private static final String REPO = "tags/app";

  private String url(Object reference) {
    return "/v2/" + REPO + "/manifests/" + reference;
  }

  private List<String> tags() {
    Response r = client.get("/v2/" + REPO + "/tags/list");
    assertEquals(200, r.status(), r::toString);
    assertEquals(REPO, r.json().get("name").getAsString());
    List<String> tags = new ArrayList<>();
    for (JsonElement e : r.json().getAsJsonArray("tags")) {
      tags.add(e.getAsString());
    }
    return tags;
  }

  private void assertTagNames(Object reference, Digest expected) {
    Response get = client.get(url(reference));
    assertEquals(200, get.status(), get::toString);
    assertEquals(expected.toString(), get.header("Docker-Content-Digest"));
    assertEquals(expected, Digest.sha256(get.body()));
  }

  @Test
  void putByTagMovesTheTag() {
    Digest first = client.pushSmallImage(REPO, "latest", "one");
    Digest second = client.pushSmallImage(REPO, "latest", "two");

    assertEquals(List.of("latest"), tags());
    assertTagNames("latest", second);
    assertTagNames(first, first);
  }

  @Test
  void sameManifestUnderSeveralTags() {
    Digest digest = client.pushSmallImage(REPO, "a", "same");
    Response again = client.putManifest(REPO, "b", "application/vnd.oci.image.manifest.v1+json",
        client.get(url(digest)).body());
    assertEquals(201, again.status(), again::toString);

    assertEquals(List.of("a", "b"), tags());
    assertTagNames("a", digest);
    assertTagNames("b", digest);
  }

  @Test
  void deleteByTagRemovesOnlyTheTag() {
    Digest digest = client.pushSmallImage(REPO, "v1", "one");
    client.pushSmallImage(REPO, "v2", "two");

    Response delete = client.delete(url("v1"));

    assertEquals(202, delete.status(), delete::toString);
    assertErrors(client.get(url("v1")), 404, "MANIFEST_UNKNOWN");
    assertTagNames(digest, digest);
    assertEquals(List.of("v2"), tags());
    assertErrors(client.delete(url("v1")), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void deleteByDigestRemovesTheManifestAndEveryTagOnIt() {
    Digest digest = client.pushSmallImage(REPO, "a", "doomed");
    byte[] bytes = client.get(url(digest)).body();
    assertEquals(201, client.putManifest(REPO, "b", "application/vnd.oci.image.manifest.v1+json",
        bytes).status());
    Digest kept = client.pushSmallImage(REPO, "c", "kept");
    assertEquals(List.of("a", "b", "c"), tags());

    Response delete = client.delete(url(digest));

    assertEquals(202, delete.status(), delete::toString);
    assertErrors(client.get(url(digest)), 404, "MANIFEST_UNKNOWN");
    assertErrors(client.get(url("a")), 404, "MANIFEST_UNKNOWN");
    assertErrors(client.get(url("b")), 404, "MANIFEST_UNKNOWN");
    assertEquals(List.of("c"), tags());
    assertTagNames("c", kept);
    assertErrors(client.delete(url(digest)), 404, "MANIFEST_UNKNOWN");
  }

  @Test
  void deleteByDigestInOneRepositoryKeepsItInAnother() {
    Digest digest = client.pushSmallImage(REPO, "a", "shared");
    byte[] bytes = client.get(url(digest)).body();
    client.pushBlob("tags/other", "layer shared".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(201, client.putManifest("tags/other", "a",
        "application/vnd.oci.image.manifest.v1+json", bytes).status());

    assertEquals(202, client.delete(url(digest)).status());

    assertErrors(client.get(url(digest)), 404, "MANIFEST_UNKNOWN");
    Response other = client.get("/v2/tags/other/manifests/a");
    assertEquals(200, other.status(), other::toString);
    assertArrayEquals(bytes, other.body());
  }

  @Test
  void deletedManifestCanBePushedAgain() {
    Digest digest = client.pushSmallImage(REPO, "a", "back");
    byte[] bytes = client.get(url(digest)).body();
    assertEquals(202, client.delete(url(digest)).status());

    Response put = client.putManifest(REPO, "a", "application/vnd.oci.image.manifest.v1+json",
        bytes);

    assertEquals(201, put.status(), put::toString);
    assertArrayEquals(bytes, client.get(url("a")).body());
  }

  @Test
  void deletingAnUnknownManifestIs404() {
    client.pushSmallImage(REPO, "a", "one");

    assertErrors(client.delete(url("nope")), 404, "MANIFEST_UNKNOWN");
    assertErrors(client.delete(url(Digest.sha256(new byte[] {1}))), 404, "MANIFEST_UNKNOWN");
    assertErrors(client.delete("/v2/tags/unknown/manifests/a"), 404, "NAME_UNKNOWN");
  }
}
