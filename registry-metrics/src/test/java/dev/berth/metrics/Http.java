package dev.berth.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** The few real HTTP requests the tests make: a push of a blob and a manifest, and reads. */
final class Http {
  private Http() {}

  static final HttpClient CLIENT = HttpClient.newHttpClient();

  static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(URI base, String path) throws Exception {
    return send(HttpRequest.newBuilder(base.resolve(path)));
  }

  static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(bytes));
  }

  /** A blob in one POST ({@code ?digest=}); returns its digest. */
  static String pushBlob(URI base, String repository, byte[] bytes) throws Exception {
    String digest = sha256(bytes);
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v2/" + repository
        + "/blobs/uploads/?digest=" + digest)).POST(HttpRequest.BodyPublishers.ofByteArray(
        bytes)).header("Content-Type", "application/octet-stream"));
    if (r.statusCode() != 201) {
      throw new AssertionError("blob push: " + r.statusCode() + " " + r.body());
    }
    return digest;
  }

  /** An image manifest of one layer, tagged; returns its bytes. */
  static byte[] pushManifest(URI base, String repository, String tag, String config,
      String layer, long layerSize, long configSize) throws Exception {
    String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1"
        + "+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
        + "\"digest\":\"" + config + "\",\"size\":" + configSize + "},\"layers\":[{"
        + "\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layer
        + "\",\"size\":" + layerSize + "}]}";
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v2/" + repository
        + "/manifests/" + tag)).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .header("Content-Type", "application/vnd.oci.image.manifest.v1+json"));
    if (r.statusCode() != 201) {
      throw new AssertionError("manifest push: " + r.statusCode() + " " + r.body());
    }
    return bytes;
  }
}
