package dev.berth.launcher.hostile;

import static dev.berth.launcher.hostile.Manifests.quote;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Manifest bodies that must be refused: JSON of the wrong shape, every descriptor field with a
 * value of every wrong type, numbers the JSON parser cannot represent, deep nesting, bodies over
 * the 4 MiB limit, bodies that break off, and a manifest that names the empty blob and a missing
 * layer. All are {@code PUT /v2/hostile/app/manifests/bad}, which must not create the tag.
 */
final class ManifestRows {
  private ManifestRows() {}

  private static final String PUT_PATH = "/v2/" + Seed.REPO + "/manifests/bad";
  private static final String HEX = "0123456789abcdef".repeat(4);
  private static final int LIMIT = 4 * 1024 * 1024;

  /** Wrong values for each descriptor field (null: the field left out). */
  private static final Map<String, List<String>> WRONG = new LinkedHashMap<>();

  static {
    WRONG.put("mediaType", Arrays.asList("7", "true", "[]", "{}", "\"\"", null));
    WRONG.put("digest", Arrays.asList("7", "true", "[]", "{}", "\"\"", "\"sha256:xyz\"",
        quote("sha256:" + HEX.toUpperCase()), quote(HEX), quote("sha256:" + HEX + "0"),
        quote("sha256:" + HEX.substring(1)), quote("sha256:../../" + HEX.substring(6)), null));
    WRONG.put("size", Arrays.asList("\"2\"", "true", "[]", "{}", null));
    WRONG.put("annotations", Arrays.asList("7", "\"x\"", "[]", "true", "{\"k\":7}",
        "{\"k\":{}}", "{\"k\":[]}"));
    WRONG.put("artifactType", Arrays.asList("7", "true", "[]", "{}"));
    WRONG.put("data", Arrays.asList("7", "[]", "{}", "\"%%not base64%%\"",
        "\"YWI=\""));
  }

  static List<Row> rows(Seed seed) {
    List<Row> rows = new ArrayList<>();
    shapes(rows, seed);
    descriptorFields(rows, seed);
    numbers(rows, seed);
    nesting(rows, seed);
    sizes(rows, seed);
    references(rows, seed);
    return rows;
  }

  /**
   * Rows that registry-core does not pass yet; the HTTP layer cannot fix them without judging
   * manifests itself. Run by {@code HostileInputTest#coreGaps}.
   */
  static List<Row> coreGaps(Seed seed) {
    Map<String, String> top = Manifests.imageFields(Manifests.EMPTY_CONFIG,
        "[" + seed.layerDescriptor() + "]");
    // RFC 8259 8.1: JSON exchanged between systems MUST be UTF-8. ManifestParser reads the bytes
    // through a decoder that replaces a malformed byte with U+FFFD, so this manifest is stored
    // (201) although strict parsers (serde_json, for one) cannot read it back.
    byte[] notUtf8 = Manifests.with(top, "annotations", "{\"a\":\"\u00ff\"}")
        .getBytes(StandardCharsets.ISO_8859_1);
    List<Row> rows = new ArrayList<>();
    rows.add(Row.error("manifest shape", "not UTF-8 (the byte 0xff in a string)",
        Wire.Request.of("PUT", PUT_PATH).header("Content-Type", MediaTypes.OCI_MANIFEST)
            .body(notUtf8), 400, "MANIFEST_INVALID"));
    Map<String, String> layer = Manifests.fields("application/vnd.oci.image.layer.v1.tar",
        seed.layerDigest(), seed.layer().length);
    for (String urls : List.of("7", "\"x\"", "{}", "[7]", "[[]]")) {
      rows.add(Row.error("layer descriptor", "layers[0].urls = " + urls, put(Manifests.manifest(
          Manifests.EMPTY_CONFIG, "[" + Manifests.with(layer, "urls", urls) + "]")), 400,
          "MANIFEST_INVALID"));
    }
    String child = Manifests.with(Manifests.fields(MediaTypes.OCI_MANIFEST, seed.manifest(),
        seed.manifestSize()), "platform", "7");
    rows.add(Row.error("index entry", "manifests[0].platform = 7", Wire.Request.of("PUT",
        PUT_PATH).header("Content-Type", MediaTypes.OCI_INDEX).body("{\"schemaVersion\":2,"
            + "\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[" + child + "]}"),
        400, "MANIFEST_INVALID"));
    return rows;
  }

  private static Wire.Request put(String body) {
    return Wire.Request.of("PUT", PUT_PATH).header("Content-Type", MediaTypes.OCI_MANIFEST)
        .body(body);
  }

  private static void invalid(List<Row> rows, String group, String name, String body) {
    rows.add(Row.error(group, name, put(body), 400, "MANIFEST_INVALID"));
  }

  private static void shapes(List<Row> rows, Seed seed) {
    String g = "manifest shape";
    Map<String, String> top = Manifests.imageFields(Manifests.EMPTY_CONFIG,
        "[" + seed.layerDescriptor() + "]");
    invalid(rows, g, "empty body", "");
    invalid(rows, g, "an array", "[" + seed.validManifest() + "]");
    invalid(rows, g, "a string", "\"manifest\"");
    invalid(rows, g, "a number", "42");
    invalid(rows, g, "null", "null");
    invalid(rows, g, "an empty object", "{}");
    invalid(rows, g, "content after the object", seed.validManifest() + "x");
    invalid(rows, g, "two objects", seed.validManifest() + seed.validManifest());
    invalid(rows, g, "a comment", "/* hi */" + seed.validManifest());
    invalid(rows, g, "single quotes", seed.validManifest().replace('"', '\''));
    for (String field : List.of("mediaType", "config", "layers", "annotations", "subject",
        "artifactType", "schemaVersion")) {
      for (String value : List.of("7", "\"x\"", "[]", "{}", "true")) {
        boolean fits = field.equals("mediaType") && value.equals("\"x\"")
            || field.equals("artifactType") && value.equals("\"x\"")
            || field.equals("layers") && value.equals("[]")
            || field.equals("annotations") && value.equals("{}");
        if (!fits) {
          invalid(rows, g, field + " = " + value, Manifests.with(top, field, value));
        }
      }
    }
    invalid(rows, g, "config left out", Manifests.with(top, "config", null));
    invalid(rows, g, "layers[0] = 7", Manifests.with(top, "layers", "[7]"));
    invalid(rows, g, "layers[0] = []", Manifests.with(top, "layers", "[[]]"));
    invalid(rows, g, "layers[0] = \"x\"", Manifests.with(top, "layers", "[\"x\"]"));
    invalid(rows, g, "an index without manifests", "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_INDEX + "\"}");
    invalid(rows, g, "index manifests = {}", "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_INDEX + "\",\"manifests\":{}}");
    invalid(rows, g, "index manifests[0] = 7", "{\"schemaVersion\":2,\"mediaType\":\""
        + MediaTypes.OCI_INDEX + "\",\"manifests\":[7]}");
    invalid(rows, g, "no type at all", "{\"schemaVersion\":2}");
    rows.add(Row.error(g, "Content-Type an index, body an image manifest",
        Wire.Request.of("PUT", PUT_PATH).header("Content-Type", MediaTypes.OCI_INDEX)
            .body(seed.validManifest()), 400, "MANIFEST_INVALID"));
  }

  private static void descriptorFields(List<Row> rows, Seed seed) {
    Map<String, String> config = Manifests.fields(MediaTypes.OCI_EMPTY, Digest.EMPTY_JSON, 2);
    Map<String, String> layer = Manifests.fields("application/vnd.oci.image.layer.v1.tar",
        seed.layerDigest(), seed.layer().length);
    String layers = "[" + seed.layerDescriptor() + "]";
    for (Map.Entry<String, List<String>> field : WRONG.entrySet()) {
      for (String value : field.getValue()) {
        String shown = value == null ? "left out" : "= " + value;
        invalid(rows, "config descriptor", "config." + field.getKey() + " " + shown,
            Manifests.manifest(Manifests.with(config, field.getKey(), value), layers));
        invalid(rows, "layer descriptor", "layers[0]." + field.getKey() + " " + shown,
            Manifests.manifest(Manifests.EMPTY_CONFIG,
                "[" + Manifests.with(layer, field.getKey(), value) + "]"));
      }
    }
  }

  private static void numbers(List<Row> rows, Seed seed) {
    Map<String, String> layer = Manifests.fields("application/vnd.oci.image.layer.v1.tar",
        seed.layerDigest(), seed.layer().length);
    List<String> sizes = List.of("1e100000", "1e-100000", "-1", "1.5", "1" + "0".repeat(4999),
        "-" + "9".repeat(5000), "9223372036854775808", "1000.0", "1e3", "0x3e8", "NaN",
        "Infinity", "01000", "+1000");
    for (String size : sizes) {
      String shown = size.length() > 20 ? size.substring(0, 12) + "... (" + size.length()
          + " characters)" : size;
      invalid(rows, "numbers", "layers[0].size = " + shown, Manifests.manifest(
          Manifests.EMPTY_CONFIG, "[" + Manifests.with(layer, "size", size) + "]"));
    }
    Map<String, String> top = Manifests.imageFields(Manifests.EMPTY_CONFIG,
        "[" + seed.layerDescriptor() + "]");
    List<String> versions = List.of("1", "3", "0", "-2", "\"2\"", "2.0", "2e0", "1e100000",
        "2" + "0".repeat(4999), "18446744073709551618", "null");
    for (String version : versions) {
      String shown = version.length() > 20 ? version.substring(0, 12) + "... ("
          + version.length() + " characters)" : version;
      invalid(rows, "numbers", "schemaVersion = " + shown, Manifests.with(top, "schemaVersion",
          version));
    }
  }

  private static void nesting(List<Row> rows, Seed seed) {
    String g = "nesting";
    invalid(rows, g, "10,000 [ unclosed", "[".repeat(10_000));
    invalid(rows, g, "10,000 [ closed", "[".repeat(10_000) + "]".repeat(10_000));
    invalid(rows, g, "10,000 { unclosed", "{\"a\":".repeat(10_000));
    Map<String, String> top = Manifests.imageFields(Manifests.EMPTY_CONFIG,
        "[" + seed.layerDescriptor() + "]");
    invalid(rows, g, "annotations 10,000 objects deep", Manifests.with(top, "annotations",
        "{\"a\":".repeat(10_000) + "\"x\"" + "}".repeat(10_000)));
    invalid(rows, g, "layers 10,000 arrays deep", Manifests.with(top, "layers",
        "[".repeat(10_000) + "]".repeat(10_000)));
    invalid(rows, g, "an unknown field 10,000 arrays deep", Manifests.with(top, "x",
        "[".repeat(10_000) + "]".repeat(10_000)));
  }

  private static void sizes(List<Row> rows, Seed seed) {
    String g = "size";
    byte[] huge = new byte[LIMIT + 1];
    Arrays.fill(huge, (byte) ' ');
    rows.add(Row.error(g, "declared 4 MiB + 1", Wire.Request.of("PUT", PUT_PATH)
        .header("Content-Type", MediaTypes.OCI_MANIFEST).body(huge), 413, "MANIFEST_INVALID"));
    rows.add(Row.error(g, "chunked 4 MiB + 1", Wire.Request.of("PUT", PUT_PATH)
        .header("Content-Type", MediaTypes.OCI_MANIFEST).chunked(huge), 413, "MANIFEST_INVALID"));
    byte[] valid = seed.validManifest().getBytes(StandardCharsets.UTF_8);
    rows.add(Row.error(g, "Content-Length 100 more than sent, then close",
        Wire.Request.of("PUT", PUT_PATH).header("Content-Type", MediaTypes.OCI_MANIFEST)
            .truncated(valid, valid.length + 100).thenClose(), 400, "MANIFEST_INVALID"));
    rows.add(Row.error(g, "chunk cut short, then close", Wire.Request.of("PUT", PUT_PATH)
        .header("Content-Type", MediaTypes.OCI_MANIFEST).chunkedRaw(frame(Integer.toHexString(
            valid.length + 100) + "\r\n", valid, "")).thenClose(), 400, "MANIFEST_INVALID"));
    rows.add(Row.error(g, "chunk size not hex", Wire.Request.of("PUT", PUT_PATH)
        .header("Content-Type", MediaTypes.OCI_MANIFEST)
        .chunkedRaw(frame("zz\r\n", valid, "\r\n0\r\n\r\n")), 400, "MANIFEST_INVALID"));
    rows.add(Row.error(g, "chunk size over 64 bits", Wire.Request.of("PUT", PUT_PATH)
        .header("Content-Type", MediaTypes.OCI_MANIFEST)
        .chunkedRaw(frame("ffffffffffffffffffff\r\n", valid, "\r\n0\r\n\r\n")), 400,
        "MANIFEST_INVALID"));
    rows.add(Row.error(g, "chunk without its CRLF", Wire.Request.of("PUT", PUT_PATH)
        .header("Content-Type", MediaTypes.OCI_MANIFEST).chunkedRaw(frame(
            Integer.toHexString(valid.length) + "\r\n", valid, "XX0\r\n\r\n")), 400,
        "MANIFEST_INVALID"));
  }

  private static void references(List<Row> rows, Seed seed) {
    String g = "references";
    String missing = Manifests.descriptor("application/vnd.oci.image.layer.v1.tar",
        "sha256:" + "f".repeat(64), 5);
    String emptyAndMissing = Manifests.manifest(Manifests.EMPTY_CONFIG, "[" + missing + "]");
    rows.add(Row.error(g, "empty descriptor and a missing layer, new repository",
        Wire.Request.of("PUT", "/v2/" + Seed.FRESH + "/manifests/v1")
            .header("Content-Type", MediaTypes.OCI_MANIFEST).body(emptyAndMissing), 400,
        "MANIFEST_BLOB_UNKNOWN"));
    rows.add(Row.error(g, "empty descriptor and a missing layer, by digest, new repository",
        Wire.Request.of("PUT", "/v2/" + Seed.FRESH + "/manifests/"
            + Digest.sha256(emptyAndMissing.getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", MediaTypes.OCI_MANIFEST).body(emptyAndMissing), 400,
        "MANIFEST_BLOB_UNKNOWN"));
    rows.add(Row.error(g, "a missing config", put(Manifests.manifest(missing,
        "[" + seed.layerDescriptor() + "]")), 400, "MANIFEST_BLOB_UNKNOWN"));
    rows.add(Row.error(g, "an index over a missing manifest", Wire.Request.of("PUT", PUT_PATH)
        .header("Content-Type", MediaTypes.OCI_INDEX).body("{\"schemaVersion\":2,\"mediaType\":\""
            + MediaTypes.OCI_INDEX + "\",\"manifests\":[" + Manifests.descriptor(
                MediaTypes.OCI_MANIFEST, "sha256:" + "e".repeat(64), 300) + "]}"), 400,
        "MANIFEST_BLOB_UNKNOWN"));
    String valid = seed.validManifest();
    rows.add(Row.error(g, "PUT by a digest that is not the body's", Wire.Request.of("PUT",
        "/v2/" + Seed.REPO + "/manifests/sha256:" + HEX).header("Content-Type",
            MediaTypes.OCI_MANIFEST).body(valid), 400, "DIGEST_INVALID"));
    rows.add(Row.error(g, "PUT by a malformed digest", Wire.Request.of("PUT",
        "/v2/" + Seed.REPO + "/manifests/sha256:xyz").header("Content-Type",
            MediaTypes.OCI_MANIFEST).body(valid), 400, "DIGEST_INVALID"));
    rows.add(Row.error(g, "PUT by a digest of an unverifiable algorithm", Wire.Request.of("PUT",
        "/v2/" + Seed.REPO + "/manifests/md5:" + HEX.substring(32)).header("Content-Type",
            MediaTypes.OCI_MANIFEST).body(valid), 400, "DIGEST_INVALID"));
  }

  private static byte[] frame(String before, byte[] content, String after) {
    byte[] head = before.getBytes(StandardCharsets.US_ASCII);
    byte[] tail = after.getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(head, head.length + content.length + tail.length);
    System.arraycopy(content, 0, out, head.length, content.length);
    System.arraycopy(tail, 0, out, head.length + content.length, tail.length);
    return out;
  }
}
