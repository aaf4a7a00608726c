package dev.berth.junit5.content;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.registry.oci.MediaTypes;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Through the registry's HTTP API, as a client would: {@code POST} then {@code PUT ?digest=} for
 * each blob, {@code PUT} for manifests.
 */
final class HttpTransport implements Transport {

  static final String ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
      MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST,
      MediaTypes.ORAS_ARTIFACT_MANIFEST);
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  private final URI base;
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).build();

  HttpTransport(URI base) {
    this.base = base;
  }

  @Override
  public void putBlob(String repository, String digest, byte[] bytes) {
    HttpResponse<byte[]> start = send(HttpRequest.newBuilder(url("/v2/" + repository
        + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()), 202,
        "start an upload to " + repository);
    URI location = base.resolve(start.headers().firstValue("Location").orElseThrow(
        () -> new IllegalStateException("POST blobs/uploads/ in " + repository
            + " answered 202 without a Location")));
    String sep = location.getRawQuery() == null ? "?" : "&";
    send(HttpRequest.newBuilder(URI.create(location + sep + "digest="
        + URLEncoder.encode(digest, StandardCharsets.UTF_8)))
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), 201,
        "upload blob " + digest + " to " + repository);
  }

  @Override
  public void putManifest(String repository, String reference, String mediaType, byte[] bytes) {
    send(HttpRequest.newBuilder(url("/v2/" + repository + "/manifests/" + reference))
        .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
        201, "put manifest " + repository + ":" + reference);
  }

  @Override
  public StoredManifest manifest(String repository, String reference) {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(url("/v2/" + repository
        + "/manifests/" + reference)).header("Accept", ACCEPT), 200,
        "get manifest " + repository + ":" + reference);
    return new StoredManifest(r.headers().firstValue("Docker-Content-Digest").orElseThrow(),
        r.headers().firstValue("Content-Type").orElseThrow(), r.body());
  }

  @Override
  public byte[] blob(String repository, String digest) {
    return send(HttpRequest.newBuilder(url("/v2/" + repository + "/blobs/" + digest)), 200,
        "get blob " + digest + " of " + repository).body();
  }

  @Override
  public List<String> tags(String repository) {
    HttpResponse<byte[]> r = exchange(HttpRequest.newBuilder(url("/v2/" + repository
        + "/tags/list")).GET().build());
    if (r.statusCode() == 404) {
      return List.of();
    }
    check(r, 200, "list the tags of " + repository);
    JsonElement tags = json(r).get("tags");
    List<String> all = new ArrayList<>();
    if (tags != null && tags.isJsonArray()) {
      tags.getAsJsonArray().forEach(t -> all.add(t.getAsString()));
    }
    return all;
  }

  @Override
  public List<Referrer> referrers(String repository, String digest, String artifactType) {
    List<Referrer> all = new ArrayList<>();
    String next = "/v2/" + repository + "/referrers/" + digest + (artifactType == null ? ""
        : "?artifactType=" + URLEncoder.encode(artifactType, StandardCharsets.UTF_8));
    while (next != null) {
      HttpResponse<byte[]> r = send(HttpRequest.newBuilder(url(next)), 200,
          "list the referrers of " + digest + " in " + repository);
      JsonArray manifests = json(r).getAsJsonArray("manifests");
      for (JsonElement e : manifests) {
        JsonObject d = e.getAsJsonObject();
        Map<String, String> annotations = new LinkedHashMap<>();
        if (d.has("annotations")) {
          d.getAsJsonObject("annotations").entrySet()
              .forEach(a -> annotations.put(a.getKey(), a.getValue().getAsString()));
        }
        all.add(new Referrer(d.get("digest").getAsString(), d.get("mediaType").getAsString(),
            Optional.ofNullable(d.get("artifactType")).map(JsonElement::getAsString),
            d.get("size").getAsLong(), annotations));
      }
      next = r.headers().firstValue("Link").map(NEXT::matcher).filter(Matcher::find)
          .map(m -> m.group(1)).orElse(null);
    }
    return all;
  }

  private URI url(String pathAndQuery) {
    return base.resolve(pathAndQuery);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request, int expected, String what) {
    HttpResponse<byte[]> r = exchange(request.build());
    check(r, expected, what);
    return r;
  }

  private HttpResponse<byte[]> exchange(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + request.method() + " " + request.uri());
    }
  }

  private static void check(HttpResponse<byte[]> r, int expected, String what) {
    if (r.statusCode() != expected) {
      throw new IllegalStateException("cannot " + what + ": " + r.request().method() + " "
          + r.request().uri() + " answered " + r.statusCode() + " "
          + new String(r.body(), StandardCharsets.UTF_8));
    }
  }

  private static JsonObject json(HttpResponse<byte[]> r) {
    return JsonParser.parseString(new String(r.body(), StandardCharsets.UTF_8)).getAsJsonObject();
  }
}
