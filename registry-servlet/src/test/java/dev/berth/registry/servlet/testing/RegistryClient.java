package dev.berth.registry.servlet.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A small HTTP client for the registry API over real HTTP (java.net.http, HTTP/1.1). Paths are
 * resolved against the server's base URL; absolute URLs (from {@code Location}) are used as given.
 */
public final class RegistryClient {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private final URI base;

  public RegistryClient(URI base) {
    this.base = base;
  }

  public URI base() {
    return base;
  }

  /** An answer, its body read whole. */
  public record Response(int status, HttpHeaders headers, byte[] body) {

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return JsonParser.parseString(text()).getAsJsonObject();
    }

    /** The codes of the error envelope, in order. */
    public List<String> errorCodes() {
      List<String> codes = new ArrayList<>();
      JsonArray errors = json().getAsJsonArray("errors");
      for (JsonElement e : errors) {
        codes.add(e.getAsJsonObject().get("code").getAsString());
      }
      return codes;
    }

    /** The first error's message. */
    public String errorMessage() {
      return json().getAsJsonArray("errors").get(0).getAsJsonObject().get("message").getAsString();
    }

    @Override
    public String toString() {
      return status + " " + headers.map() + " " + (body.length < 2000 ? text() : body.length + " bytes");
    }
  }

  /**
   * The URL of a path (sent as written: {@link URI#resolve} would normalize {@code a//b} to
   * {@code a/b}), or an absolute URL as given.
   */
  public URI resolve(String pathOrUrl) {
    return pathOrUrl.startsWith("http://") || pathOrUrl.startsWith("https://")
        ? URI.create(pathOrUrl) : URI.create(base + (pathOrUrl.startsWith("/")
            ? pathOrUrl.substring(1) : pathOrUrl));
  }

  public Response send(String method, String pathOrUrl, byte[] body, String... headers) {
    return exchange(method, pathOrUrl, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body), headers);
  }

  /**
   * Sends a body without declaring its length: {@code Transfer-Encoding: chunked}, as streaming
   * clients send it.
   */
  public Response sendChunked(String method, String pathOrUrl, byte[] body, String... headers) {
    return exchange(method, pathOrUrl, HttpRequest.BodyPublishers.ofInputStream(
        () -> new java.io.ByteArrayInputStream(body)), headers);
  }

  private Response exchange(String method, String pathOrUrl, HttpRequest.BodyPublisher body,
      String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(resolve(pathOrUrl))
        .timeout(Duration.ofMinutes(5))
        .method(method, body);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<byte[]> response = HTTP.send(request.build(),
          HttpResponse.BodyHandlers.ofByteArray());
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + pathOrUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  public Response head(String path, String... headers) {
    return send("HEAD", path, null, headers);
  }

  public Response delete(String path, String... headers) {
    return send("DELETE", path, null, headers);
  }

  public Response put(String path, byte[] body, String... headers) {
    return send("PUT", path, body, headers);
  }

  public Response post(String path, byte[] body, String... headers) {
    return send("POST", path, body, headers);
  }

  public Response patch(String path, byte[] body, String... headers) {
    return send("PATCH", path, body, headers);
  }

  /** {@code location} with a query parameter appended. */
  public static String withQuery(String location, String parameter) {
    return location + (location.contains("?") ? "&" : "?") + parameter;
  }

  /** Opens an upload session with an empty POST and checks the 202. */
  public Response startUpload(String repository) {
    Response started = post("/v2/" + repository + "/blobs/uploads/", null);
    assertEquals(202, started.status(), started::toString);
    return started;
  }

  /**
   * The path and query of a {@code Location}, so that it can be followed on another server (one
   * restarted on another port).
   */
  public static String pathAndQuery(String location) {
    URI uri = URI.create(location);
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  /** Uploads a blob with POST then PUT ?digest= and checks the 201. */
  public Digest pushBlob(String repository, byte[] content) {
    Digest digest = Digest.sha256(content);
    Response started = post("/v2/" + repository + "/blobs/uploads/", null);
    assertEquals(202, started.status(), started::toString);
    Response done = put(withQuery(started.header("Location"), "digest=" + digest), content,
        "Content-Type", "application/octet-stream");
    assertEquals(201, done.status(), done::toString);
    return digest;
  }

  public Response putManifest(String repository, String reference, String mediaType, byte[] body) {
    return putManifestAt("/v2/" + repository + "/manifests/" + reference, mediaType, body);
  }

  /** A manifest PUT to a path of the caller's choosing (a registry mounted under a prefix). */
  public Response putManifestAt(String path, String mediaType, byte[] body) {
    return put(path, body, "Content-Type", mediaType);
  }

  /** Pushes fixture 1 (umoci's OCI image: layer, config, manifest) under {@code tag}. */
  public Digest pushFixtureImage(String repository, String tag) {
    pushBlob(repository, Fixtures.bytes(Fixtures.LAYER));
    pushBlob(repository, Fixtures.bytes(Fixtures.OCI_CONFIG));
    Response put = putManifest(repository, tag, MediaTypes.OCI_MANIFEST,
        Fixtures.bytes(Fixtures.OCI_MANIFEST));
    assertEquals(201, put.status(), put::toString);
    return Fixtures.digest(Fixtures.OCI_MANIFEST);
  }

  /** A small OCI image manifest over one fresh layer, different for each {@code seed}. */
  public Digest pushSmallImage(String repository, String reference, String seed) {
    return pushSmallImage(repository, reference, seed, null, null);
  }

  /**
   * Pushes a one-layer image whose manifest may name a subject and an artifact type.
   *
   * @return the manifest's digest
   */
  public Digest pushSmallImage(String repository, String reference, String seed, Digest subject,
      String artifactType) {
    byte[] layer = ("layer " + seed).getBytes(StandardCharsets.UTF_8);
    Digest layerDigest = pushBlob(repository, layer);
    byte[] manifest = smallManifest(layerDigest, layer.length, seed, subject, artifactType);
    Response put = putManifest(repository, reference, MediaTypes.OCI_MANIFEST, manifest);
    assertEquals(201, put.status(), put::toString);
    return Digest.sha256(manifest);
  }

  /** The bytes of such a manifest; its config is the OCI empty blob. */
  public static byte[] smallManifest(Digest layer, long size, String seed, Digest subject,
      String artifactType) {
    JsonObject m = new JsonObject();
    m.addProperty("schemaVersion", 2);
    m.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
    if (artifactType != null) {
      m.addProperty("artifactType", artifactType);
    }
    JsonObject config = new JsonObject();
    config.addProperty("mediaType", MediaTypes.OCI_EMPTY);
    config.addProperty("digest", Digest.EMPTY_JSON.toString());
    config.addProperty("size", 2);
    m.add("config", config);
    JsonArray layers = new JsonArray();
    JsonObject l = new JsonObject();
    l.addProperty("mediaType", "application/octet-stream");
    l.addProperty("digest", layer.toString());
    l.addProperty("size", size);
    layers.add(l);
    m.add("layers", layers);
    if (subject != null) {
      JsonObject s = new JsonObject();
      s.addProperty("mediaType", MediaTypes.OCI_MANIFEST);
      s.addProperty("digest", subject.toString());
      s.addProperty("size", 345);
      m.add("subject", s);
    }
    JsonObject annotations = new JsonObject();
    annotations.addProperty("org.example.seed", seed);
    m.add("annotations", annotations);
    return m.toString().getBytes(StandardCharsets.UTF_8);
  }
}
