package dev.berth.registry.servlet;

import dev.berth.registry.access.Action;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The route table: every path the registry answers, as an anchored pattern on the path as it
 * came, still percent-encoded. Repository names contain {@code /}, so each pattern pins the suffix
 * ({@code /manifests/<ref>}, {@code /blobs/uploads/<id>}, ...) and the name is everything before
 * it. Order matters: the upload routes come before the blob route.
 *
 * <p>Parameters are decoded only after the match. Matching the decoded path let an encoded byte
 * change the route: {@code /v2/a%2fb/tags/list} named the repository {@code a/b}, and
 * {@code PUT /v2/r/manifests/v1%2fx} found no route at all (404) instead of an invalid tag. An
 * encoded slash is data inside one segment (RFC 3986 2.2), never a separator, and an encoded CR or
 * LF ({@code %0d%0a}, which {@code .} does not match) cannot make a path fall out of the table.
 */
enum Route {
  BASE("^/v2/?$", Map.of("GET", Action.PULL, "HEAD", Action.PULL)),
  CATALOG("^/v2/_catalog$", Map.of("GET", Action.CATALOG, "HEAD", Action.CATALOG)),
  TAGS("^/v2/(?<name>.+)/tags/list$", Map.of("GET", Action.PULL, "HEAD", Action.PULL)),
  MANIFEST("^/v2/(?<name>.+)/manifests/(?<ref>[^/]+)$", Map.of("GET", Action.PULL,
      "HEAD", Action.PULL, "PUT", Action.PUSH, "DELETE", Action.DELETE)),
  UPLOADS("^/v2/(?<name>.+)/blobs/uploads/?$", Map.of("POST", Action.PUSH)),
  UPLOAD("^/v2/(?<name>.+)/blobs/uploads/(?<id>[^/]+)$", Map.of("GET", Action.PUSH,
      "HEAD", Action.PUSH, "PATCH", Action.PUSH, "PUT", Action.PUSH, "DELETE", Action.PUSH)),
  BLOB("^/v2/(?<name>.+)/blobs/(?<digest>[^/]+)$", Map.of("GET", Action.PULL,
      "HEAD", Action.PULL, "DELETE", Action.DELETE)),
  REFERRERS("^/v2/(?<name>.+)/referrers/(?<digest>[^/]+)$", Map.of("GET", Action.PULL,
      "HEAD", Action.PULL)),
  ORAS_REFERRERS("^/oras/artifacts/v1/(?<name>.+)/manifests/(?<digest>[^/]+)/referrers$",
      Map.of("GET", Action.PULL, "HEAD", Action.PULL)),
  ORAS_MANIFEST("^/oras/artifacts/v1/(?<name>.+)/manifests/(?<digest>[^/]+)$",
      Map.of("GET", Action.PULL, "HEAD", Action.PULL));

  private final Pattern pattern;
  private final Map<String, Action> methods;

  Route(String pattern, Map<String, Action> methods) {
    this.pattern = Pattern.compile(pattern);
    this.methods = methods;
  }

  /** The access action of a method on this route, or null when the route does not take it. */
  Action action(String method) {
    return methods.get(method);
  }

  Set<String> methods() {
    return methods.keySet();
  }

  /** A match of a raw (percent-encoded) path against the table, or null for an unknown path. */
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

    /**
     * A path parameter, percent-decoded; null when the route has none of that name.
     *
     * @throws dev.berth.registry.oci.RegistryException for malformed percent-encoding
     */
    String group(String name) {
      String raw = raw(name);
      return raw == null ? null : PercentDecoding.decode(raw);
    }

    /** A path parameter as it came, still percent-encoded; null when the route has none. */
    String raw(String name) {
      try {
        return matcher.group(name);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }
}
