package dev.berth.registry.servlet;

import dev.berth.registry.oci.RegistryException;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>What a method needs from the access seam depends on the method alone, as in distribution
 * ({@link AccessNeeds}).
 *
 * <p>Public so that what runs around the servlet (an access log, metrics, a test harness) can name
 * the route of a request the way the servlet will: {@link #resolve(String)}.
 */
public enum Route {
  /** {@code /v2/}: the API version check. */
  BASE("^/v2/?$", "GET", "HEAD"),
  /** {@code /v2/_catalog}. */
  CATALOG("^/v2/_catalog$", "GET", "HEAD"),
  /** {@code /v2/<name>/tags/list}. */
  TAGS("^/v2/(?<name>.+)/tags/list$", "GET", "HEAD"),
  /** {@code /v2/<name>/manifests/<reference>}. */
  MANIFEST("^/v2/(?<name>.+)/manifests/(?<ref>[^/]+)$", "GET", "HEAD", "PUT", "DELETE"),
  /** {@code /v2/<name>/blobs/uploads/}: starting an upload (or a mount, or a whole blob). */
  UPLOADS("^/v2/(?<name>.+)/blobs/uploads/?$", "POST"),
  /** {@code /v2/<name>/blobs/uploads/<id>}: a session's chunks, status, end or cancel. */
  UPLOAD("^/v2/(?<name>.+)/blobs/uploads/(?<id>[^/]+)$", "GET", "HEAD", "PATCH", "PUT",
      "DELETE"),
  /** {@code /v2/<name>/blobs/<digest>}. */
  BLOB("^/v2/(?<name>.+)/blobs/(?<digest>[^/]+)$", "GET", "HEAD", "DELETE"),
  /** {@code /v2/<name>/referrers/<digest>}: OCI 1.1. */
  REFERRERS("^/v2/(?<name>.+)/referrers/(?<digest>[^/]+)$", "GET", "HEAD"),
  /** {@code /oras/artifacts/v1/<name>/manifests/<digest>/referrers}: ORAS draft.1. */
  ORAS_REFERRERS("^/oras/artifacts/v1/(?<name>.+)/manifests/(?<digest>[^/]+)/referrers$",
      "GET", "HEAD"),
  /** {@code /oras/artifacts/v1/<name>/manifests/<digest>}. */
  ORAS_MANIFEST("^/oras/artifacts/v1/(?<name>.+)/manifests/(?<digest>[^/]+)$", "GET", "HEAD");

  /** The route name of {@code /livez} and {@code /readyz}, which no enum value stands for. */
  public static final String HEALTH = "health";
  /** The route name of a path no route takes. */
  public static final String UNKNOWN = "unknown";

  private final Pattern pattern;
  private final Set<String> methods;

  Route(String pattern, String... methods) {
    this.pattern = Pattern.compile(pattern);
    this.methods = Set.of(methods);
  }

  /**
   * The route's name for metrics and the access log: distribution's handler names where it has
   * one ({@code base}, {@code catalog}, {@code tags}, {@code manifest}, {@code blob},
   * {@code blob_upload} for starting an upload, {@code blob_upload_chunk} for a session), else
   * the constant's name in lower case ({@code referrers}, {@code oras_manifest}). Never a path,
   * so a label made of it has a bounded number of values.
   */
  public String handlerName() {
    return switch (this) {
      case UPLOADS -> "blob_upload";
      case UPLOAD -> "blob_upload_chunk";
      default -> name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Whether the route takes {@code method}. */
  boolean accepts(String method) {
    return methods.contains(method);
  }

  Set<String> methods() {
    return methods;
  }

  /**
   * The route a request path goes to, and the repository it names, as the servlet will route it.
   *
   * @param rawPath the path below the servlet's mount point, still percent-encoded (for a servlet
   *     mapped to {@code /*} at the root, the request's path)
   * @return empty for a path no route takes (the servlet answers it 404)
   */
  public static Optional<Target> resolve(String rawPath) {
    Match match;
    try {
      match = match(rawPath);
      return match == null ? Optional.empty()
          : Optional.of(new Target(match.route(), Optional.ofNullable(match.group("name"))));
    } catch (RegistryException e) {
      return Optional.empty();
    }
  }

  /**
   * A route and the repository named in the path, decoded but not yet validated (the servlet
   * answers an invalid one with {@code NAME_INVALID}).
   */
  public record Target(Route route, Optional<String> repository) {}

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
