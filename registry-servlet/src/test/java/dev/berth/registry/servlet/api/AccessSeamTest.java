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
import dev.berth.registry.access.AccessController;
import dev.berth.registry.access.AccessRequest;
import dev.berth.registry.access.Action;
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
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The {@link AccessController} seam: every request asks it (who, repository, action) before a
 * handler runs; a refusal is the spec's 401 or 403 and changes nothing.
 */
class AccessSeamTest extends HttpSuite {

  private static final String CHALLENGE = "Bearer realm=\"https://auth.example/token\","
      + "service=\"berth\"";

  /** What the controller was asked, in order. */
  private final List<AccessRequest> calls = new CopyOnWriteArrayList<>();
  private volatile AccessController policy = AccessController.ALLOW_ALL;
  private volatile Function<AccessRequest, Optional<String>> challenge = r -> Optional.empty();

  @Override
  protected TestServer.Factory container() {
    AccessController recording = new AccessController() {
      @Override
      public void authorize(AccessRequest request) {
        calls.add(request);
        policy.authorize(request);
      }

      @Override
      public Optional<String> challenge(AccessRequest request) {
        return challenge.apply(request);
      }
    };
    return registry -> JettyTestServer.start(registry, recording);
  }

  private static AccessController deny(Action action, String prefix) {
    return request -> {
      if (request.action() == action && request.repository()
          .map(r -> r.value().startsWith(prefix)).orElse(false)) {
        throw new RegistryException(ErrorCode.DENIED, action + " is not allowed on "
            + request.repository().get());
      }
    };
  }

  /** A manifest that needs no pushed blob: config and layer are the OCI empty blob. */
  private static byte[] selfContainedManifest() {
    return RegistryClient.smallManifest(Digest.EMPTY_JSON, 2, "access", null, null);
  }

  /** The (repository, action) pairs asked since the last call, then forgets them. */
  private List<String> asked() {
    List<String> asked = new ArrayList<>();
    for (AccessRequest r : calls) {
      asked.add(r.repository().map(RepositoryName::value).orElse("-") + " " + r.action());
    }
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
        throw new RegistryException(ErrorCode.UNAUTHORIZED, "authentication required");
      }
    };
    challenge = request -> Optional.of(CHALLENGE + request.repository()
        .map(r -> ",scope=\"repository:" + r + ":" + request.action().name().toLowerCase() + "\"")
        .orElse(""));

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
  void deniedCarriesNoChallenge() {
    policy = deny(Action.PUSH, "locked/");
    challenge = request -> Optional.of(CHALLENGE);

    Response post = client.post("/v2/locked/app/blobs/uploads/", null);

    assertErrors(post, 403, "DENIED");
    assertEquals(null, post.header("WWW-Authenticate"));
  }

  @Test
  void controllerIsAskedForTheRightRepositoryAndAction() {
    byte[] blob = "asked".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(blob);

    client.get("/v2/");
    assertEquals(List.of("- PULL"), asked());
    String location = client.post("/v2/r/app/blobs/uploads/", null).header("Location");
    assertEquals(List.of("r/app PUSH"), asked());
    location = client.patch(location, blob).header("Location");
    assertEquals(List.of("r/app PUSH"), asked());
    client.get(location);
    assertEquals(List.of("r/app PUSH"), asked());
    assertEquals(201, client.put(withQuery(location, "digest=" + digest), null).status());
    assertEquals(List.of("r/app PUSH"), asked());
    client.head("/v2/r/app/blobs/" + digest);
    client.get("/v2/r/app/blobs/" + digest);
    assertEquals(List.of("r/app PULL", "r/app PULL"), asked());
    client.putManifest("r/app", "latest", MediaTypes.OCI_MANIFEST, selfContainedManifest());
    assertEquals(List.of("r/app PUSH"), asked());
    client.get("/v2/r/app/manifests/latest");
    client.get("/v2/r/app/tags/list");
    client.get("/v2/r/app/referrers/" + digest);
    assertEquals(List.of("r/app PULL", "r/app PULL", "r/app PULL"), asked());
    client.get("/v2/_catalog");
    assertEquals(List.of("- CATALOG"), asked());
    assertEquals(201, client.post("/v2/r/other/blobs/uploads/?mount=" + digest + "&from=r/app",
        null).status());
    assertEquals(List.of("r/other PUSH", "r/app PULL"), asked());
    client.delete("/v2/r/app/manifests/latest");
    client.delete("/v2/r/app/blobs/" + digest);
    assertEquals(List.of("r/app DELETE", "r/app DELETE"), asked());
    client.delete(client.post("/v2/r/app/blobs/uploads/", null).header("Location"));
    assertEquals(List.of("r/app PUSH", "r/app PUSH"), asked());
  }

  @Test
  void controllerSeesTheCaller() {
    client.get("/v2/r/app/tags/list", "Authorization", "Bearer abc");

    AccessRequest request = calls.get(0);
    assertEquals(Optional.of("Bearer abc"), request.caller().authorization());
    assertEquals(Optional.empty(), request.caller().principal());
    assertEquals("127.0.0.1", request.caller().remoteAddress());
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
