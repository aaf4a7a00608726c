package dev.berth.launcher.hostile;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RepositoryName;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Paths and query parameters that must be refused: repository names and tags with every kind of
 * forbidden byte, percent-encoded and raw; malformed digests in paths, in {@code ?digest=}, in
 * {@code ?mount=}; upload ids of another repository, with {@code ../}, too long, or already
 * completed.
 */
final class PathRows {
  private PathRows() {}

  private static final String HEX = "0123456789abcdef".repeat(4);

  /**
   * Names that are invalid once decoded; each reaches the servlet, which must say NAME_INVALID. A
   * percent-encoded slash is data inside one path segment (RFC 3986 2.2), never a separator, and a
   * name component cannot hold a slash.
   */
  private static final List<String> BAD_NAMES = List.of("hostile/a%00b", "hostile/%2e%2e/app",
      "%2e%2e/hostile/app", "hostile%2fapp", "hostile%2Fapp", "hostile/app%2f", "hostile/a%5cb",
      "hostile/a%ffb", "hostile/a%c3%a9", "hostile/a%20b", "hostile/a%0d%0aX-Injected:%20yes",
      "hostile/a%09b", "Hostile/app", "hostile/APP", "hostile/" + "a".repeat(248),
      "a".repeat(256), "hostile/../app", "../hostile/app", "hostile/./app", "hostile//app",
      "hostile/app/", "/hostile/app", "hostile/a\\b", "hostile/a:b", "hostile/a@b",
      "hostile/a%3fb", "hostile/a%23b", "hostile/a..b", "hostile/-a", "hostile/a-");

  /** Tags that are invalid once decoded: a PUT is TAG_INVALID, a read finds nothing (404). */
  private static final List<String> BAD_TAGS = List.of("a%00b", "%2e%2e", "..", ".", "a%2fb",
      "a%2Fb", "a%5cb", "a\\b", "a%ffb", "a\u00ffb", "a%20b", "a%0d%0ab", "x".repeat(129), "-x",
      ".x", "a+b");

  static List<Row> rows(Seed seed) {
    List<Row> rows = new ArrayList<>();
    names(rows, seed);
    tags(rows, seed);
    digests(rows, seed);
    uploadIds(rows, seed);
    return rows;
  }

  private static void names(List<Row> rows, Seed seed) {
    byte[] manifest = seed.validManifest().getBytes(StandardCharsets.UTF_8);
    for (String name : BAD_NAMES) {
      String g = "name " + shown(name);
      rows.add(row(g, "tags list", get("/v2/" + name + "/tags/list"), 400,
          "NAME_INVALID"));
      rows.add(row(g, "HEAD manifest", Wire.Request.of("HEAD",
          "/v2/" + name + "/manifests/v1"), 400, null));
      rows.add(row(g, "PUT manifest", Wire.Request.of("PUT", "/v2/" + name
          + "/manifests/v1").header("Content-Type", MediaTypes.OCI_MANIFEST).body(manifest), 400,
          "NAME_INVALID"));
      rows.add(row(g, "start an upload", Wire.Request.of("POST",
          "/v2/" + name + "/blobs/uploads/"), 400, "NAME_INVALID"));
      if (!RepositoryName.isValid(URLDecoder.decode(name, StandardCharsets.UTF_8))) {
        // In a query, %2f is a slash like any other: from=hostile%2fapp names hostile/app.
        rows.add(row(g, "mount from it", Wire.Request.of("POST", "/v2/" + Seed.REPO
            + "/blobs/uploads/?mount=" + seed.layerDigest() + "&from=" + name), 400,
            "NAME_INVALID"));
      }
    }
  }

  private static void tags(List<Row> rows, Seed seed) {
    byte[] manifest = seed.validManifest().getBytes(StandardCharsets.UTF_8);
    for (String tag : BAD_TAGS) {
      String shown = shown(tag);
      String path = "/v2/" + Seed.REPO + "/manifests/" + tag;
      rows.add(row("tag " + shown, "PUT", Wire.Request.of("PUT", path)
          .header("Content-Type", MediaTypes.OCI_MANIFEST).body(manifest), 400, "TAG_INVALID"));
      rows.add(row("tag " + shown, "GET", get(path), 404, "MANIFEST_UNKNOWN"));
      rows.add(row("tag " + shown, "DELETE", Wire.Request.of("DELETE", path), 400,
          "TAG_INVALID"));
    }
  }

  private static void digests(List<Row> rows, Seed seed) {
    String repo = "/v2/" + Seed.REPO;
    List<String> bad = List.of("sha256:xyz", "sha256:" + HEX.toUpperCase(),
        "sha256:" + HEX + "%00", "sha256:..%2f..%2f" + HEX.substring(6), "sha256:", ":" + HEX,
        "sha256%3a" + HEX.substring(1), "SHA256:" + HEX, "sha256:" + HEX + "%20");
    for (String d : bad) {
      String g = "digest " + shown(d);
      rows.add(row(g, "GET blob", get(repo + "/blobs/" + d), 400, "DIGEST_INVALID"));
      rows.add(row(g, "HEAD blob", Wire.Request.of("HEAD", repo + "/blobs/" + d), 400,
          null));
      rows.add(row(g, "DELETE blob", Wire.Request.of("DELETE", repo + "/blobs/" + d), 400,
          "DIGEST_INVALID"));
      rows.add(row(g, "GET manifest", get(repo + "/manifests/" + d), 400,
          "DIGEST_INVALID"));
      rows.add(row(g, "GET referrers", get(repo + "/referrers/" + d), 400,
          "DIGEST_INVALID"));
      rows.add(row(g, "GET ORAS referrers", get("/oras/artifacts/v1/" + Seed.REPO
          + "/manifests/" + d + "/referrers"), 400, "DIGEST_INVALID"));
      rows.add(row(g, "POST ?digest= with a body", Wire.Request.of("POST", repo
          + "/blobs/uploads/?digest=" + d).body("content"), 400, "DIGEST_INVALID"));
      rows.add(row(g, "mount=", Wire.Request.of("POST", repo + "/blobs/uploads/?mount="
          + d + "&from=" + Seed.REPO), 400, "DIGEST_INVALID"));
      rows.add(row(g, "closing PUT ?digest=", Wire.Request.of("PUT", seed.session()
          + "?digest=" + d), 400, "DIGEST_INVALID"));
    }
    String md5 = "md5:" + HEX.substring(32);
    rows.add(row("digest md5", "POST ?digest= with a body", Wire.Request.of("POST", repo
        + "/blobs/uploads/?digest=" + md5).body("content"), 400, "DIGEST_INVALID"));
    rows.add(row("digest md5", "closing PUT ?digest=", Wire.Request.of("PUT",
        seed.session() + "?digest=" + md5), 400, "DIGEST_INVALID"));
    rows.add(row("digest of other content", "POST ?digest= with a body",
        Wire.Request.of("POST", repo + "/blobs/uploads/?digest=sha256:" + HEX).body("content"),
        400, "DIGEST_INVALID"));
    rows.add(row("digest missing", "closing PUT without ?digest=",
        Wire.Request.of("PUT", seed.session()), 400, "DIGEST_INVALID"));
    rows.add(row("digest missing", "closing PUT with ?digest= empty",
        Wire.Request.of("PUT", seed.session() + "?digest="), 400, "DIGEST_INVALID"));
  }

  private static void uploadIds(List<Row> rows, Seed seed) {
    String uploads = "/v2/" + Seed.REPO + "/blobs/uploads/";
    Digest some = Digest.sha256("x".getBytes(StandardCharsets.US_ASCII));
    List<String[]> ids = List.of(
        new String[] {"another repository's id", seed.otherId()},
        new String[] {"a completed id", seed.completedId()},
        new String[] {"../ to another repository", "..%2f..%2f..%2fother%2f_uploads%2f"
            + seed.otherId()},
        new String[] {"%2e%2e", "%2e%2e"},
        new String[] {"..", ".."},
        new String[] {"65 characters", "a".repeat(65)},
        new String[] {"a NUL byte", seed.otherId() + "%00"},
        new String[] {"a backslash", "..%5c" + seed.otherId()},
        new String[] {"not UTF-8", "%ff%fe"});
    for (String[] id : ids) {
      String g = "upload id: " + id[0];
      String path = uploads + id[1];
      rows.add(row(g, "GET status", get(path), 404, "BLOB_UPLOAD_UNKNOWN"));
      rows.add(row(g, "PATCH a chunk", Wire.Request.of("PATCH", path)
          .header("Content-Type", "application/octet-stream").header("Content-Range", "0-0")
          .body("x"), 404, "BLOB_UPLOAD_UNKNOWN"));
      rows.add(row(g, "closing PUT", Wire.Request.of("PUT", path + "?digest=" + some)
          .body("x"), 404, "BLOB_UPLOAD_UNKNOWN"));
      rows.add(row(g, "DELETE (cancel)", Wire.Request.of("DELETE", path), 404,
          "BLOB_UPLOAD_UNKNOWN"));
    }
  }

  /**
   * A row, unless its path holds an encoded NUL: Jetty refuses {@code %00} in a path before any
   * handler runs, whatever the URI compliance ({@code HttpURI}: "Illegal character in path"), so
   * such a request is Jetty's 400, in the envelope.
   */
  private static Row row(String group, String name, Wire.Request request, int status,
      String code) {
    String path = request.target.split("\\?", 2)[0];
    if (path.contains("%00")) {
      return Row.error(group, name, request, 400, request.isHead() ? null : "UNSUPPORTED");
    }
    return Row.error(group, name, request, status, code);
  }

  private static String shown(String value) {
    return value.length() > 40 ? value.substring(0, 16) + "..." + value.substring(
        value.length() - 12) + " (" + value.length() + " characters)" : value;
  }

  private static Wire.Request get(String path) {
    return Wire.Request.of("GET", path);
  }
}
