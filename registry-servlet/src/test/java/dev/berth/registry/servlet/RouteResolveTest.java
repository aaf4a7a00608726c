package dev.berth.registry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Route#resolve}: the servlet's own routing, for what runs around it. */
class RouteResolveTest {

  static Optional<Route.Target> target(Route route, String repository) {
    return Optional.of(new Route.Target(route, Optional.ofNullable(repository)));
  }

  @Test
  void namesTheRouteAndRepositoryAsTheServletWould() {
    assertEquals(target(Route.BASE, null), Route.resolve("/v2/"));
    assertEquals(target(Route.CATALOG, null), Route.resolve("/v2/_catalog"));
    assertEquals(target(Route.MANIFEST, "library/app"),
        Route.resolve("/v2/library/app/manifests/v1"));
    assertEquals(target(Route.UPLOADS, "a/b/c"), Route.resolve("/v2/a/b/c/blobs/uploads/"));
    assertEquals(target(Route.UPLOAD, "app"), Route.resolve("/v2/app/blobs/uploads/1234"));
    assertEquals(target(Route.BLOB, "app"), Route.resolve("/v2/app/blobs/sha256:abc"));
    assertEquals(target(Route.REFERRERS, "app"), Route.resolve("/v2/app/referrers/sha256:abc"));
    assertEquals(target(Route.ORAS_REFERRERS, "app"),
        Route.resolve("/oras/artifacts/v1/app/manifests/sha256:abc/referrers"));
  }

  @Test
  void decodesThePathFirst() {
    assertEquals(target(Route.TAGS, "library/app"), Route.resolve("/v2/library%2Fapp/tags/list"));
  }

  @Test
  void unknownOrMalformedPathsHaveNoRoute() {
    assertEquals(Optional.empty(), Route.resolve("/v3/"));
    assertEquals(Optional.empty(), Route.resolve("/v2/app/tags/list%zz"));
  }
}
