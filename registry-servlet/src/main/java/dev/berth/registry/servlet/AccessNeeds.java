package dev.berth.registry.servlet;

import dev.berth.registry.access.Access;
import dev.berth.registry.access.AccessRequest;
import dev.berth.registry.access.Caller;
import dev.berth.registry.oci.RepositoryName;
import java.util.List;

/**
 * What a request asks of the access seam, as distribution's {@code appendAccessRecords} derives
 * it from the method alone: GET and HEAD need {@code pull}; POST, PUT and PATCH need
 * {@code pull,push}; DELETE needs {@code delete} (an upload session's cancel included). The
 * catalog needs the catalog, the API root nothing but a caller the registry lets in. A mount
 * ({@code POST ?mount=<digest>&from=<repo>}) also asks {@code pull} on {@code from}, as an
 * optional record: without it the mount becomes an ordinary upload session and reveals nothing.
 * Moving a tag is asked later, once the body shows that a PUT moves one ({@link ManifestHandlers}).
 */
final class AccessNeeds {

  private AccessNeeds() {}

  static AccessRequest of(Route route, String method, Exchange ex, Caller caller) {
    if (route == Route.BASE) {
      return AccessRequest.of(caller, List.of());
    }
    if (route == Route.CATALOG) {
      return AccessRequest.of(caller, List.of(Access.catalog()));
    }
    RepositoryName repository = ex.repository();
    List<Access> needs = switch (method) {
      case "GET", "HEAD" -> List.of(Access.pull(repository));
      case "DELETE" -> List.of(Access.delete(repository));
      default -> List.of(Access.pull(repository), Access.push(repository));
    };
    return new AccessRequest(caller, needs, route == Route.UPLOADS ? mountSource(ex, repository)
        : List.of());
  }

  private static List<Access> mountSource(Exchange ex, RepositoryName target) {
    String from = ex.query("from");
    if (ex.query("mount") == null || from == null || !RepositoryName.isValid(from)
        || from.equals(target.value())) {
      return List.of();
    }
    return List.of(Access.pull(RepositoryName.parse(from)));
  }
}
