package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertHeadError;
import static dev.berth.registry.servlet.testing.Listings.items;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.RawHttp;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API root, validation of names, tags and digests in paths, unknown routes and methods, and
 * the shape of every error answer.
 */
class ErrorAndRoutingApiTest extends HttpSuite {

  private static final String HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String REPO = "routing/app";

  private static final List<String> BAD_NAMES = List.of("Upper/case", "a-", "-a", "a..b",
      "a".repeat(256));

  private static final List<String> BAD_DIGESTS = List.of("sha256:totallywrong",
      "sha256:" + HEX.substring(1), "sha256:" + HEX.toUpperCase(), "sha256:" + HEX + "0",
      "sha512:" + HEX, "sha256:", ":" + HEX, "SHA256:" + HEX);

  private Digest pushImage() {
    return client.pushSmallImage(REPO, "latest", "routing");
  }

  @Test
  void apiRootAnswers200WithTheVersionHeader() {
    Response get = client.get("/v2/");

    assertEquals(200, get.status(), get::toString);
    assertEquals("registry/2.0", get.header("Docker-Distribution-API-Version"));
    assertEquals("{}", get.text());
    Response head = client.head("/v2/");
    assertEquals(200, head.status());
    assertEquals("registry/2.0", head.header("Docker-Distribution-API-Version"));
    assertEquals(200, client.get("/v2").status());
  }

  @Test
  void invalidRepositoryNamesAreNameInvalid() {
    for (String name : BAD_NAMES) {
      assertErrors(client.get("/v2/" + name + "/manifests/latest"), 400, "NAME_INVALID");
      assertErrors(client.get("/v2/" + name + "/tags/list"), 400, "NAME_INVALID");
      assertErrors(client.get("/v2/" + name + "/blobs/sha256:" + HEX), 400, "NAME_INVALID");
      assertErrors(client.post("/v2/" + name + "/blobs/uploads/", null), 400, "NAME_INVALID");
      assertErrors(client.putManifest(name, "latest", MediaTypes.OCI_MANIFEST,
          "{}".getBytes(StandardCharsets.UTF_8)), 400, "NAME_INVALID");
    }
  }

  @Test
  void emptyPathSegmentInANameIsRefused() {
    assertEquals(400, client.get("/v2/a//b/manifests/latest").status());
    assertEquals(400, client.get("/v2/a//b/tags/list").status());
    assertEquals(400, client.get("/v2/a//manifests/latest").status());
  }

  /** An empty segment reaches the servlet (on Jetty, by its URI compliance setting) and is refused. */
  @Test
  void emptyPathSegmentInANameIsNameInvalid() {
    assertErrors(client.get("/v2/a//b/manifests/latest"), 400, "NAME_INVALID");
    assertErrors(client.get("/v2/a//b/tags/list"), 400, "NAME_INVALID");
    assertErrors(client.post("/v2/a//b/blobs/uploads/", null), 400, "NAME_INVALID");
    assertErrors(client.get("/v2/a//manifests/latest"), 400, "NAME_INVALID");
  }

  @Test
  void longestValidNameIsAccepted() {
    String name = "a".repeat(127) + "/" + "b".repeat(127);
    assertEquals(255, name.length());

    assertErrors(client.get("/v2/" + name + "/manifests/latest"), 404, "NAME_UNKNOWN");
    client.pushSmallImage(name, "latest", "long");
    assertEquals(200, client.get("/v2/" + name + "/manifests/latest").status());
  }

  @Test
  void invalidTagsAreTagInvalidOnPut() {
    byte[] manifest = RegistryClient.smallManifest(Digest.EMPTY_JSON, 2, "t", null, null);
    for (String tag : List.of("-x", ".x", "x".repeat(129), "a+b")) {
      assertErrors(client.putManifest(REPO, tag, MediaTypes.OCI_MANIFEST, manifest), 400,
          "TAG_INVALID");
      assertErrors(client.delete("/v2/" + REPO + "/manifests/" + tag), 400, "TAG_INVALID");
    }
  }

  /**
   * A read by a name that cannot be a tag finds nothing: the conformance suite GETs
   * {@code .INVALID_MANIFEST_NAME} and requires 404 (registry:2's router answers 404 too).
   */
  @Test
  void readsByAnInvalidTagAre404() {
    pushImage();
    for (String tag : List.of(".INVALID_MANIFEST_NAME", "-x", "x".repeat(129))) {
      assertErrors(client.get("/v2/" + REPO + "/manifests/" + tag), 404, "MANIFEST_UNKNOWN");
      assertHeadError(client.head("/v2/" + REPO + "/manifests/" + tag), 404);
    }
  }

  @Test
  void longestValidTagIsAccepted() {
    byte[] manifest = RegistryClient.smallManifest(Digest.EMPTY_JSON, 2, "t", null, null);
    String tag = "_" + "X".repeat(127);

    Response put = client.putManifest(REPO, tag, MediaTypes.OCI_MANIFEST, manifest);

    assertEquals(201, put.status(), put::toString);
    assertEquals(200, client.get("/v2/" + REPO + "/manifests/" + tag).status());
  }

  @Test
  void malformedDigestsAreDigestInvalid() {
    pushImage();
    for (String digest : BAD_DIGESTS) {
      assertErrors(client.get("/v2/" + REPO + "/manifests/" + digest), 400, "DIGEST_INVALID");
      assertErrors(client.get("/v2/" + REPO + "/blobs/" + digest), 400, "DIGEST_INVALID");
      assertHeadError(client.head("/v2/" + REPO + "/blobs/" + digest), 400);
      assertErrors(client.delete("/v2/" + REPO + "/blobs/" + digest), 400, "DIGEST_INVALID");
      assertErrors(client.post("/v2/" + REPO + "/blobs/uploads/?mount=" + digest + "&from=x",
          null), 400, "DIGEST_INVALID");
    }
  }

  @Test
  void unknownAlgorithmFittingTheGrammarIsAReferenceButCannotBePushed() {
    pushImage();
    String md5 = "md5:0123456789abcdef0123456789abcdef";

    assertErrors(client.get("/v2/" + REPO + "/blobs/" + md5), 404, "BLOB_UNKNOWN");
    assertErrors(client.get("/v2/" + REPO + "/manifests/" + md5), 404, "MANIFEST_UNKNOWN");
    assertErrors(client.get("/v2/" + REPO + "/manifests/sha256:" + HEX), 404, "MANIFEST_UNKNOWN");
    byte[] manifest = RegistryClient.smallManifest(Digest.EMPTY_JSON, 2, "md5", null, null);
    assertErrors(client.putManifest(REPO, md5, MediaTypes.OCI_MANIFEST, manifest), 400,
        "DIGEST_INVALID");
  }

  @Test
  void unknownRepositoryAndUnknownManifest() {
    assertErrors(client.get("/v2/routing/none/manifests/latest"), 404, "NAME_UNKNOWN");
    pushImage();
    assertErrors(client.get("/v2/" + REPO + "/manifests/nope"), 404, "MANIFEST_UNKNOWN");
  }

  /** Repository names may contain the route keywords; the name is everything before the suffix. */
  @Test
  void repositoryNamesMayContainRouteKeywords() {
    for (String name : List.of("x/manifests", "x/blobs", "x/tags", "x/v2", "manifests/latest",
        "x/referrers", "x/catalog", "x/uploads")) {
      Digest digest = client.pushSmallImage(name, "latest", name);
      Response get = client.get("/v2/" + name + "/manifests/latest");
      assertEquals(200, get.status(), () -> name + ": " + get);
      assertEquals(digest.toString(), get.header("Docker-Content-Digest"));
      assertEquals(List.of("latest"), items(client.get("/v2/" + name + "/tags/list"), "tags"));
      assertEquals(name, client.get("/v2/" + name + "/tags/list").json().get("name").getAsString());
    }
  }

  @Test
  void unknownRoutesAre404WithTheEnvelope() {
    for (String path : List.of("/v2/x/foo/bar", "/nothing", "/", "/v2/x/blobs/",
        "/v2/_catalog/more", "/v3/")) {
      // There is no spec code for an unknown route; Berth sends UNSUPPORTED with the 404.
      assertErrors(client.get(path), 404, "UNSUPPORTED");
    }
    assertHeadError(client.head("/v2/x/foo/bar"), 404);
  }

  @Test
  void wrongMethodIs405WithAllow() {
    Digest digest = pushImage();
    String session = client.startUpload(REPO).header("Location");
    record Case(String method, String path, String allow) {}
    for (Case c : List.of(
        new Case("POST", "/v2/" + REPO + "/tags/list", "GET, HEAD"),
        new Case("PATCH", "/v2/" + REPO + "/manifests/latest", "DELETE, GET, HEAD, PUT"),
        new Case("POST", "/v2/" + REPO + "/manifests/latest", "DELETE, GET, HEAD, PUT"),
        new Case("PUT", "/v2/" + REPO + "/blobs/" + digest, "DELETE, GET, HEAD"),
        new Case("DELETE", "/v2/_catalog", "GET, HEAD"),
        new Case("POST", "/v2/", "GET, HEAD"),
        new Case("GET", "/v2/" + REPO + "/blobs/uploads/", "POST"),
        new Case("POST", session, "DELETE, GET, HEAD, PATCH, PUT"))) {
      Response r = client.send(c.method, c.path, null);
      assertErrors(r, 405, "UNSUPPORTED");
      assertEquals(c.allow, r.header("Allow"), () -> c.method + " " + c.path);
    }
  }

  @Test
  void headOfListingsAnswersLikeGetWithoutBody() {
    pushImage();

    for (String path : List.of("/v2/" + REPO + "/tags/list", "/v2/_catalog")) {
      Response get = client.get(path);
      Response head = client.head(path);
      assertEquals(200, head.status(), head::toString);
      assertEquals(get.header("Content-Length"), head.header("Content-Length"));
      assertEquals(get.header("Content-Type"), head.header("Content-Type"));
      assertEquals(0, head.body().length);
    }
    assertHeadError(client.head("/v2/routing/none/tags/list"), 404);
  }

  @Test
  void headErrorsHaveNoBody() {
    pushImage();

    assertHeadError(client.head("/v2/" + REPO + "/manifests/nope"), 404);
    assertHeadError(client.head("/v2/routing/none/manifests/latest"), 404);
    assertHeadError(client.head("/v2/" + REPO + "/blobs/sha256:" + HEX), 404);
    assertHeadError(client.head("/v2/Bad/manifests/latest"), 400);
    assertHeadError(client.head("/v2/" + REPO + "/manifests/sha256:totallywrong"), 400);
    assertHeadError(client.head("/v2/" + REPO + "/manifests/-x"), 404);
  }

  @Test
  void malformedPercentEncodingIsAClientError() {
    int status = RawHttp.status(server.url(), "GET", "/v2/routing%zz/tags/list");

    assertEquals(4, status / 100, "status " + status);
  }
}
