package dev.berth.launcher.hostile;

import dev.berth.registry.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests that are malformed as HTTP, or in the headers Berth reads: header floods (Jetty's 431
 * must come in the envelope), broken request lines and framing, blob bodies that break off, and
 * bad {@code Range} and {@code Content-Range} headers.
 */
final class WireRows {
  private WireRows() {}

  static List<Row> rows(Seed seed) {
    List<Row> rows = new ArrayList<>();
    floods(rows);
    requestLines(rows);
    framing(rows, seed);
    blobBodies(rows);
    ranges(rows, seed);
    contentRanges(rows, seed);
    return rows;
  }

  private static void floods(List<Row> rows) {
    String g = "header flood";
    Wire.Request many = Wire.Request.of("GET", "/v2/");
    for (int i = 0; i < 2000; i++) {
      many.header("X-Flood-" + i, "value");
    }
    rows.add(Row.error(g, "2,000 headers", many, 431, "UNSUPPORTED"));
    rows.add(Row.error(g, "one 64 KiB header", Wire.Request.of("GET", "/v2/")
        .header("X-Huge", "h".repeat(64 * 1024)), 431, "UNSUPPORTED"));
    rows.add(Row.error(g, "a 1 MiB header", Wire.Request.of("GET", "/v2/")
        .header("X-Huge", "h".repeat(1024 * 1024)), 431, "UNSUPPORTED"));
    rows.add(Row.error(g, "a 64 KiB path", Wire.Request.of("GET", "/v2/" + "a".repeat(64 * 1024)
        + "/tags/list"), 414, "UNSUPPORTED"));
    rows.add(Row.error(g, "a 64 KiB query", Wire.Request.of("GET", "/v2/_catalog?last="
        + "a".repeat(64 * 1024)), 414, "UNSUPPORTED"));
  }

  private static void requestLines(List<Row> rows) {
    String g = "request line";
    rows.add(Row.error(g, "garbage", Wire.Request.raw("GET", "HELLO\r\n\r\n"), 400,
        "UNSUPPORTED"));
    rows.add(Row.error(g, "no Host", Wire.Request.raw("GET", "GET /v2/ HTTP/1.1\r\n\r\n"), 400,
        "UNSUPPORTED"));
    rows.add(Row.error(g, "two Hosts", Wire.Request.raw("GET",
        "GET /v2/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "raw space in a name", Wire.Request.of("GET",
        "/v2/hostile/a b/tags/list"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "raw NUL in a name", Wire.Request.of("GET",
        "/v2/hostile/a\u0000b/tags/list"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "raw 0xff in a name", Wire.Request.of("GET",
        "/v2/hostile/a\u00ffb/tags/list"), 400, "NAME_INVALID"));
    rows.add(Row.error(g, "raw tab in a name", Wire.Request.of("GET",
        "/v2/hostile/a\tb/tags/list"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "raw 0x7f in a name", Wire.Request.of("GET",
        "/v2/hostile/a\u007fb/tags/list"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "a path that climbs out of the root", Wire.Request.of("GET",
        "/v2/../../../etc/passwd"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "an absolute-form target for another host", Wire.Request.of("GET",
        "http://elsewhere.invalid/v2/hostile/app/tags/list"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "an asterisk target", Wire.Request.of("GET", "*"), 400,
        "UNSUPPORTED"));
    rows.add(Row.error(g, "an unknown method", Wire.Request.of("BREW", "/v2/"), 405,
        "UNSUPPORTED"));
    rows.add(Row.error(g, "TRACE", Wire.Request.of("TRACE", "/v2/"), 405, "UNSUPPORTED"));
    rows.add(Row.error(g, "malformed percent-encoding", Wire.Request.of("GET",
        "/v2/hostile/a%zz/tags/list"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "a truncated percent-encoding", Wire.Request.of("GET",
        "/v2/hostile/app/tags/list%2"), 400, "UNSUPPORTED"));
  }

  private static void framing(List<Row> rows, Seed seed) {
    String g = "framing";
    String put = "PUT /v2/" + Seed.REPO + "/manifests/bad HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/vnd.oci.image.manifest.v1+json\r\n";
    rows.add(Row.error(g, "Content-Length not a number", Wire.Request.raw("PUT", put
        + "Content-Length: abc\r\n\r\n{}"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "Content-Length negative", Wire.Request.raw("PUT", put
        + "Content-Length: -2\r\n\r\n{}"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "Content-Length over 64 bits", Wire.Request.raw("PUT", put
        + "Content-Length: 99999999999999999999999\r\n\r\n{}"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "two different Content-Lengths", Wire.Request.raw("PUT", put
        + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "Content-Length and chunked", Wire.Request.raw("PUT", put
        + "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"), 400,
        "UNSUPPORTED"));
    rows.add(Row.error(g, "Transfer-Encoding not chunked", Wire.Request.raw("PUT", put
        + "Transfer-Encoding: gzip\r\n\r\n{}"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "a header without a colon", Wire.Request.raw("GET",
        "GET /v2/ HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "a space before the colon", Wire.Request.raw("GET",
        "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Bad : y\r\n\r\n"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "a folded header", Wire.Request.raw("GET",
        "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-A: y\r\n  folded\r\n\r\n"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "NUL in a header value", Wire.Request.raw("GET",
        "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n"), 400, "UNSUPPORTED"));
    rows.add(Row.error(g, "a bare LF in a header value", Wire.Request.raw("GET",
        "GET /v2/ HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"), 400, "UNSUPPORTED"));
  }

  private static void blobBodies(List<Row> rows) {
    String g = "blob body";
    byte[] content = new byte[2000];
    Digest digest = Digest.sha256(content);
    String post = "/v2/" + Seed.REPO + "/blobs/uploads/?digest=" + digest;
    rows.add(Row.error(g, "Content-Length 2000, 100 sent, then close", Wire.Request.of("POST",
        post).truncated(new byte[100], 2000).thenClose(), 400, "BLOB_UPLOAD_INVALID"));
    rows.add(Row.error(g, "chunk cut short, then close", Wire.Request.of("POST", post)
        .chunkedRaw("7d0\r\nshort".getBytes(StandardCharsets.US_ASCII)).thenClose(), 400,
        "BLOB_UPLOAD_INVALID"));
    rows.add(Row.error(g, "chunk size not hex", Wire.Request.of("POST", post)
        .chunkedRaw("zz\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), 400,
        "BLOB_UPLOAD_INVALID"));
    rows.add(Row.error(g, "chunked, no last chunk, then close", Wire.Request.of("POST", post)
        .chunkedRaw("3\r\nabc\r\n".getBytes(StandardCharsets.US_ASCII)).thenClose(), 400,
        "BLOB_UPLOAD_INVALID"));
    rows.add(Row.error(g, "more bytes than the digest's content", Wire.Request.of("POST", post)
        .body(new byte[2001]), 400, "DIGEST_INVALID"));
  }

  private static void ranges(List<Row> rows, Seed seed) {
    String g = "Range";
    String blob = "/v2/" + Seed.REPO + "/blobs/" + seed.layerDigest();
    for (String range : List.of("bytes=1000-", "bytes=5000-6000", "bytes=-0",
        "bytes=1000-1000")) {
      rows.add(Row.error(g, range, Wire.Request.of("GET", blob).header("Range", range), 416,
          "RANGE_INVALID"));
      rows.add(Row.error(g, "HEAD " + range, Wire.Request.of("HEAD", blob).header("Range", range),
          416, null));
    }
    // RFC 9110 14.2: a Range header that is not a valid byte range is ignored.
    for (String range : List.of("bytes=abc", "bytes=5-2", "bytes=99999999999999999999-",
        "bytes=-99999999999999999999", "bytes=0-1,3-4", "items=0-1", "bytes=", "bytes=-",
        "bytes=\u00ff")) {
      rows.add(Row.ok(g, range + " (ignored)", Wire.Request.of("GET", blob)
          .header("Range", range), 200));
    }
  }

  private static void contentRanges(List<Row> rows, Seed seed) {
    String g = "Content-Range";
    String session = seed.session();
    for (String range : List.of("0-3", "2-5", "10-5", "abc", "4-99999999999999999999",
        "99999999999999999999-4", "-1-3", "4-", "4-7/abc", "4 - 7")) {
      rows.add(Row.error(g, "PATCH " + range, Wire.Request.of("PATCH", session)
          .header("Content-Type", "application/octet-stream").header("Content-Range", range)
          .body("efgh"), 416, "RANGE_INVALID"));
    }
    rows.add(Row.error(g, "PATCH 4-7 with 2 bytes", Wire.Request.of("PATCH", session)
        .header("Content-Type", "application/octet-stream").header("Content-Range", "4-7")
        .body("ef"), 400, "SIZE_INVALID"));
    rows.add(Row.error(g, "closing PUT 0-3", Wire.Request.of("PUT", session + "?digest="
        + Digest.sha256("abcdefgh".getBytes(StandardCharsets.US_ASCII)))
        .header("Content-Type", "application/octet-stream").header("Content-Range", "0-3")
        .body("efgh"), 416, "RANGE_INVALID"));
  }
}
