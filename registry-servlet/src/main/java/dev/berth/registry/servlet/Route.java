package dev.berth.registry.servlet;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The route table: every path the registry answers, as an anchored pattern on the decoded path.
 * Repository names contain {@code /}, so each pattern pins the suffix ({@code /manifests/<ref>},
 * {@code /blobs/uploads/<id>}, ...) and the name is everything before it. Order matters: the upload
 * routes come before the blob route. What a method needs from the access seam depends on the method
 * alone, as in distribution ({@link AccessNeeds}).
 */
enum Route {
  BASE("^/v2/?$", "GET", "HEAD"),
  CATALOG("^/v2/_catalog$", "GET", "HEAD"),
  TAGS("^/v2/(?<name>.+)/tags/list$", "GET", "HEAD"),
  MANIFEST("^/v2/(?<name>.+)/manifests/(?<ref>[^/]+)$", "GET", "HEAD", "PUT", "DELETE"),
  UPLOADS("^/v2/(?<name>.+)/blobs/uploads/?$", "POST"),
  UPLOAD("^/v2/(?<name>.+)/blobs/uploads/(?<id>[^/]+)$", "GET", "HEAD", "PATCH", "PUT",
      "DELETE"),
  BLOB("^/v2/(?<name>.+)/blobs/(?<digest>[^/]+)$", "GET", "HEAD", "DELETE"),
  REFERRERS("^/v2/(?<name>.+)/referrers/(?<digest>[^/]+)$", "GET", "HEAD"),
  ORAS_REFERRERS("^/oras/artifacts/v1/(?<name>.+)/manifests/(?<digest>[^/]+)/referrers$",
      "GET", "HEAD"),
  ORAS_MANIFEST("^/oras/artifacts/v1/(?<name>.+)/manifests/(?<digest>[^/]+)$", "GET", "HEAD");

  private final Pattern pattern;
  private final Set<String> methods;

  Route(String pattern, String... methods) {
    this.pattern = Pattern.compile(pattern);
    this.methods = Set.of(methods);
  }

  /** Whether the route takes {@code method}. */
  boolean accepts(String method) {
    return methods.contains(method);
  }

  Set<String> methods() {
    return methods;
  }

  /** A match of a path against the table, or null for an unknown path. */
  static Match match(String path) {
    for (Route route : values()) {
      Matcher m = route.pattern.matcher(path);
      if (m.matches()) {
        return new Match(route, m);
      }
    }
    return null;
  }

  /** A matched route and its path parameters. */
  record Match(Route route, Matcher matcher) {
    String group(String name) {
      try {
        return matcher.group(name);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }
}
