package dev.berth.registry.servlet.api;

import static dev.berth.registry.servlet.testing.ApiAssertions.assertErrors;
import static dev.berth.registry.servlet.testing.ApiAssertions.assertHeadError;
import static dev.berth.registry.servlet.testing.RegistryClient.withQuery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.access.Access;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.access.AccessDenied;
import dev.berth.registry.access.AccessRequest;
import dev.berth.registry.access.Action;
import dev.berth.registry.access.Permit;
import dev.berth.registry.servlet.testing.HttpSuite;
import dev.berth.registry.servlet.testing.JettyTestServer;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.servlet.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The {@link AccessController} seam: every request asks it (who, and every access record it
 * needs) before a handler runs; a refusal is the spec's 401 or 403 and changes nothing; later
 * questions (a mount's source, the catalog, moving a tag) go to the returned {@link Permit}.
 */
class AccessSeamTest extends HttpSuite {

  private static final String CHALLENGE = "Bearer realm=\"https://auth.example/token\","
      + "service=\"berth\"";

  /** What the controller was asked, in order, and what permits were asked later. */
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private volatile AccessController policy = AccessController.ALLOW_ALL;

  @Override
  protected TestServer.Factory container() {
    AccessController recording = request -> {
      calls.add(render(request.needs()) + (request.optional().isEmpty() ? ""
          : " optional " + render(request.optional())));
      Permit permit = policy.authorize(request);
      return new Permit() {
        @Override
        public boolean allows(Access access) {
          calls.add("allows " + access);
          return permit.allows(access);
        }

        @Override
        public void require(Access access) {
          calls.add("require " + access);
          permit.require(access);
        }
      };
    };
    return registry -> JettyTestServer.start(registry, recording);
  }

  private static String render(List<Access> records) {
    return records.isEmpty() ? "-" : String.join(",", records.stream().map(Access::toString)
        .toList());
  }

  /** Refuses {@code action} on repositories under {@code prefix}, now and in later questions. */
  private static AccessController deny(Action action, String prefix) {
    Predicate<Access> refused = a -> a.action() == action
        && a.repository().map(r -> r.value().startsWith(prefix)).orElse(false);
    Permit permit = new Permit() {
      @Override
      public boolean allows(Access access) {
        return !refused.test(access);
      }

      @Override
      public void require(Access access) {
        if (refused.test(access)) {
          throw AccessDenied.denied(access + " is not allowed", null);
        }
      }
    };
    return request -> {
      request.needs().forEach(permit::require);
      return permit;
    };
  }

  /** A manifest that needs no pushed blob: config and layer are the OCI empty blob. */
  private static byte[] selfContainedManifest() {
    return RegistryClient.smallManifest(Digest.EMPTY_JSON, 2, "access", null, null);
  }

  /** The questions asked since the last call, then forgets them. */
  private List<String> asked() {
    List<String> asked = new ArrayList<>(calls);
    calls.clear();
    return asked;
  }

  @Test
  void deniedPushStoresNothing() {
    policy = deny(Action.PUSH, "locked/");
    byte[] blob = "secret layer".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(blob);

    assertErrors(client.putManifest("locked/app", "latest", MediaTypes.OCI_MANIFEST,
        selfContainedManifest()), 403, "DENIED");
    assertErrors(client.post("/v2/locked/app/blobs/uploads/", null), 403, "DENIED");
    assertErrors(client.post("/v2/locked/app/blobs/uploads/?digest=" + digest, blob,
        "Content-Type", "application/octet-stream"), 403, "DENIED");

    assertErrors(client.get("/v2/locked/app/manifests/latest"), 404, "NAME_UNKNOWN");
    assertHeadError(client.head("/v2/locked/app/blobs/" + digest), 404);
    RegistryException unknown = assertThrows(RegistryException.class, () -> server.registry()
        .tags().list(RepositoryName.parse("locked/app"), null, 10));
    assertEquals(ErrorCode.NAME_UNKNOWN, unknown.code());
    assertEquals(List.of(), server.registry().catalog(null, 10).items());
  }

  @Test
  void denialIsScopedToTheRepositoriesThePolicyNames() {
    policy = deny(Action.PUSH, "locked/");

    Response put = client.putManifest("open/app", "latest", MediaTypes.OCI_MANIFEST,
        selfContainedManifest());

    assertEquals(201, put.status(), put::toString);
    assertEquals(List.of("open/app"), server.registry().catalog(null, 10).items());
  }

  @Test
  void deniedPushOnAnOpenSessionChangesNothing() {
    Response start = client.startUpload("locked/app");
    policy = deny(Action.PUSH, "locked/");

    assertErrors(client.patch(start.header("Location"), new byte[] {1, 2, 3}), 403, "DENIED");

    policy = AccessController.ALLOW_ALL;
    Response status = client.get(start.header("Location"));
    assertEquals(204, status.status(), status::toString);
    assertEquals("0-0", status.header("Range"));
  }

  @Test
  void deniedPullIs403() {
    client.pushSmallImage("locked/app", "latest", "pull");
    policy = deny(Action.PULL, "locked/");

    assertErrors(client.get("/v2/locked/app/manifests/latest"), 403, "DENIED");
    assertHeadError(client.head("/v2/locked/app/manifests/latest"), 403);
    assertErrors(client.get("/v2/locked/app/tags/list"), 403, "DENIED");
  }

  @Test
  void unauthorizedCarriesTheControllersChallenge() {
    policy = request -> {
      if (request.caller().authorization().isEmpty()) {
        String scope = request.needs().isEmpty() ? "" : ",scope=\"repository:"
            + request.needs().get(0).repository().get() + ":pull\"";
        throw AccessDenied.unauthorized("authentication required",
            Optional.of(CHALLENGE + scope), null);
      }
      return Permit.ALL;
    };

    Response root = client.get("/v2/");
    Response manifest = client.get("/v2/auth/app/manifests/latest");
    Response head = client.head("/v2/auth/app/manifests/latest");

    assertErrors(root, 401, "UNAUTHORIZED");
    assertEquals(CHALLENGE, root.header("WWW-Authenticate"));
    assertErrors(manifest, 401, "UNAUTHORIZED");
    assertEquals(CHALLENGE + ",scope=\"repository:auth/app:pull\"",
        manifest.header("WWW-Authenticate"));
    assertHeadError(head, 401);
    assertEquals(CHALLENGE + ",scope=\"repository:auth/app:pull\"",
        head.header("WWW-Authenticate"));
    assertEquals(200, client.get("/v2/", "Authorization", "Bearer token").status());
  }

  @Test
  void aPlainUnauthorizedExceptionIsAnsweredWithoutAChallenge() {
    policy = request -> {
      throw new RegistryException(ErrorCode.UNAUTHORIZED, "authentication required");
    };

    Response root = client.get("/v2/");

    assertErrors(root, 401, "UNAUTHORIZED");
    assertEquals(null, root.header("WWW-Authenticate"));
  }

  @Test
  void deniedCarriesNoChallenge() {
    policy = deny(Action.PUSH, "locked/");

    Response post = client.post("/v2/locked/app/blobs/uploads/", null);

    assertErrors(post, 403, "DENIED");
    assertEquals(null, post.header("WWW-Authenticate"));
  }

  /** Every access record by method, as distribution's challenges ask them. */
  @Test
  void controllerIsAskedForEverythingARequestNeeds() {
    byte[] blob = "asked".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(blob);

    client.get("/v2/");
    assertEquals(List.of("-"), asked());
    String location = client.post("/v2/r/app/blobs/uploads/", null).header("Location");
    assertEquals(List.of("r/app PULL,r/app PUSH"), asked());
    location = client.patch(location, blob).header("Location");
    assertEquals(List.of("r/app PULL,r/app PUSH"), asked());
    client.get(location);
    assertEquals(List.of("r/app PULL"), asked());
    assertEquals(201, client.put(withQuery(location, "digest=" + digest), null).status());
    assertEquals(List.of("r/app PULL,r/app PUSH"), asked());
    client.head("/v2/r/app/blobs/" + digest);
    client.get("/v2/r/app/blobs/" + digest);
    assertEquals(List.of("r/app PULL", "r/app PULL"), asked());
    client.putManifest("r/app", "latest", MediaTypes.OCI_MANIFEST, selfContainedManifest());
    assertEquals(List.of("r/app PULL,r/app PUSH"), asked());
    client.get("/v2/r/app/manifests/latest");
    client.get("/v2/r/app/tags/list");
    client.get("/v2/r/app/referrers/" + digest);
    assertEquals(List.of("r/app PULL", "r/app PULL", "r/app PULL"), asked());
    client.get("/v2/_catalog");
    assertEquals(List.of("CATALOG", "allows r/app PULL"), asked());
    assertEquals(201, client.post("/v2/r/other/blobs/uploads/?mount=" + digest + "&from=r/app",
        null).status());
    assertEquals(List.of("r/other PULL,r/other PUSH optional r/app PULL", "allows r/app PULL"),
        asked());
    client.delete("/v2/r/app/manifests/latest");
    client.delete("/v2/r/app/blobs/" + digest);
    assertEquals(List.of("r/app DELETE", "r/app DELETE"), asked());
    client.delete(client.post("/v2/r/app/blobs/uploads/", null).header("Location"));
    assertEquals(List.of("r/app PULL,r/app PUSH", "r/app DELETE"), asked());
  }

  /** Re-pushing what a tag names moves nothing; pointing it elsewhere asks {@code MOVE_TAG}. */
  @Test
  void movingATagAsksForMoveTagOnceTheBodyShowsIt() {
    byte[] first = selfContainedManifest();
    byte[] second = RegistryClient.smallManifest(Digest.EMPTY_JSON, 2, "other", null, null);
    assertEquals(201, client.putManifest("r/app", "v1", MediaTypes.OCI_MANIFEST, first).status());
    assertEquals(201, client.putManifest("r/app", "v1", MediaTypes.OCI_MANIFEST, first).status());
    asked();
    policy = deny(Action.MOVE_TAG, "r/");

    Response move = client.putManifest("r/app", "v1", MediaTypes.OCI_MANIFEST, second);
    Response byDigest = client.putManifest("r/app", Digest.sha256(second).toString(),
        MediaTypes.OCI_MANIFEST, second);
    Response newTag = client.putManifest("r/app", "v2", MediaTypes.OCI_MANIFEST, second);

    assertErrors(move, 403, "DENIED");
    assertEquals(201, byDigest.status(), byDigest::toString);
    assertEquals(201, newTag.status(), newTag::toString);
    assertEquals(List.of("r/app PULL,r/app PUSH", "require r/app MOVE_TAG",
        "r/app PULL,r/app PUSH", "r/app PULL,r/app PUSH"), asked());
    Response v1 = client.get("/v2/r/app/manifests/v1");
    assertEquals(Digest.sha256(first).toString(), v1.header("Docker-Content-Digest"));
  }

  /** The catalog shows what the permit lists, and pages stay full (n names, then Link). */
  @Test
  void catalogListsOnlyWhatThePermitLists() {
    for (String name : List.of("a/1", "b/1", "a/2", "b/2", "a/3", "b/3")) {
      client.putManifest(name, "t", MediaTypes.OCI_MANIFEST, selfContainedManifest());
    }
    policy = deny(Action.PULL, "b/");

    Response first = client.get("/v2/_catalog?n=2");
    Response second = client.get("/v2/_catalog?n=2&last=a/2");

    assertEquals("{\"repositories\":[\"a/1\",\"a/2\"]}", first.text().strip());
    assertEquals("</v2/_catalog?n=2&last=a%2F2>; rel=\"next\"", first.header("Link"));
    assertEquals("{\"repositories\":[\"a/3\"]}", second.text().strip());
    assertEquals(null, second.header("Link"));
  }

  @Test
  void controllerSeesTheCaller() {
    AccessRequest[] seen = new AccessRequest[1];
    boolean[] inRole = {true};
    policy = request -> {
      seen[0] = request;
      inRole[0] = request.caller().inRole("admin");
      return Permit.ALL;
    };

    client.get("/v2/r/app/tags/list", "Authorization", "Bearer abc");

    assertEquals(Optional.of("Bearer abc"), seen[0].caller().authorization());
    assertEquals(Optional.empty(), seen[0].caller().principal());
    assertEquals("127.0.0.1", seen[0].caller().remoteAddress());
    assertEquals(Optional.of(server.url().toString().replaceAll("/$", "")),
        seen[0].caller().origin());
    assertEquals(false, inRole[0]);
    assertEquals(false, seen[0].caller().toString().contains("abc"), seen[0].caller()::toString);
  }

  @Test
  void requestsThatMatchNoRouteOrMethodNeverReachTheController() {
    client.get("/v2/x/foo/bar");
    client.send("PATCH", "/v2/r/app/manifests/latest", null);

    assertEquals(List.of(), asked());
  }

  @Test
  void mountFromARepositoryTheCallerMayNotPullOpensASessionInstead() {
    Digest digest = client.pushBlob("secret/app", "classified".getBytes(StandardCharsets.UTF_8));
    policy = deny(Action.PULL, "secret/");

    Response mount = client.post("/v2/mine/app/blobs/uploads/?mount=" + digest
        + "&from=secret/app", null);

    assertEquals(202, mount.status(), mount::toString);
    assertHeadError(client.head("/v2/mine/app/blobs/" + digest), 404);
  }

  /**
   * A mount without {@code from} looks for the blob only in repositories the caller may read: one
   * it may not read reveals nothing (a session, not a mount).
   */
  @Test
  void anonymousMountOnlyFindsBlobsTheCallerMayRead() {
    Digest digest = client.pushBlob("secret/app", "hidden".getBytes(StandardCharsets.UTF_8));
    policy = deny(Action.PULL, "secret/");

    Response refused = client.post("/v2/mine/app/blobs/uploads/?mount=" + digest, null);
    assertEquals(202, refused.status(), refused::toString);
    assertHeadError(client.head("/v2/mine/app/blobs/" + digest), 404);

    policy = AccessController.ALLOW_ALL;
    client.pushBlob("public/app", "hidden".getBytes(StandardCharsets.UTF_8));
    policy = deny(Action.PULL, "secret/");
    Response mounted = client.post("/v2/mine/app/blobs/uploads/?mount=" + digest, null);
    assertEquals(201, mounted.status(), mounted::toString);
  }
}
