package dev.berth.registry.proxy;

import dev.berth.registry.oci.Descriptor;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.oci.Tag;
import dev.berth.registry.upstream.Upstream;
import dev.berth.registry.upstream.UpstreamBlob;
import dev.berth.registry.upstream.UpstreamManifest;
import dev.berth.registry.upstream.UpstreamUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One upstream registry over the OCI distribution API. Names given here are the upstream's
 * ({@link RoutedUpstream} maps local ones). A {@code 404} is "not there"; anything else that is
 * not a success (401 after authenticating, 403, 429, 5xx, a broken connection) is
 * {@link UpstreamUnavailableException}, so that the cache keeps what it has.
 */
final class HttpUpstream implements Upstream {

  /**
   * Every manifest type Berth serves, for {@code Accept}: without it registry:2 answers a tag of
   * a schema 2 image with a schema 1 conversion, and an index as a 404 to old clients.
   */
  static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.OCI_MANIFEST,
      MediaTypes.OCI_INDEX, MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST,
      MediaTypes.OCI_ARTIFACT_MANIFEST);
  /** Manifests larger than this are refused (Berth's own limit is 4 MiB by default). */
  private static final int MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

  private final UpstreamClient client;
  private final Duration ttl;

  private HttpUpstream(UpstreamClient client, Duration ttl) {
    this.client = client;
    this.ttl = ttl;
  }

  static HttpUpstream of(UpstreamOptions options) {
    HttpClient.Builder http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(UpstreamClient.CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER);
    if (options.caBundle() != null) {
      http.sslContext(TlsTrust.fromPem(options.caBundle()));
    }
    return new HttpUpstream(new UpstreamClient(options.url(), http.build(), options.username(),
        options.password()), options.ttl());
  }

  Duration ttl() {
    return ttl;
  }

  @Override
  public boolean covers(RepositoryName repository) {
    return true;
  }

  @Override
  public Duration tagTtl(RepositoryName repository) {
    return ttl;
  }

  @Override
  public Optional<Descriptor> resolve(RepositoryName repository, Tag tag) {
    String path = "v2/" + repository + "/manifests/" + tag.value();
    HttpResponse<Void> head = client.send("HEAD", path, scope(repository), MANIFEST_ACCEPT,
        HttpResponse.BodyHandlers.discarding());
    if (head.statusCode() == 404) {
      return Optional.empty();
    }
    require(head, "HEAD", path);
    Digest digest = head.headers().firstValue("Docker-Content-Digest").map(Digest::tryParse)
        .orElse(null);
    String type = MediaTypes.bare(head.headers().firstValue("Content-Type").orElse(""));
    long size = head.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (digest == null || size < 0) {
      // An upstream that does not say the digest on HEAD (a SHOULD): read the manifest once.
      Optional<byte[]> bytes = manifestBytes(repository, tag.value()).map(m -> m.bytes());
      return bytes.map(b -> Descriptor.of(type, Digest.sha256(b), b.length));
    }
    return Optional.of(Descriptor.of(type, digest, size));
  }

  @Override
  public Optional<UpstreamManifest> manifest(RepositoryName repository, Digest digest) {
    return manifestBytes(repository, digest.toString());
  }

  private Optional<UpstreamManifest> manifestBytes(RepositoryName repository, String reference) {
    String path = "v2/" + repository + "/manifests/" + reference;
    HttpResponse<InputStream> get = client.send("GET", path, scope(repository), MANIFEST_ACCEPT,
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = get.body()) {
      if (get.statusCode() == 404) {
        return Optional.empty();
      }
      require(get, "GET", path);
      byte[] bytes = body.readNBytes(MAX_MANIFEST_BYTES + 1);
      if (bytes.length > MAX_MANIFEST_BYTES) {
        throw new UpstreamUnavailableException("GET " + path + ": the manifest is over "
            + MAX_MANIFEST_BYTES + " bytes");
      }
      return Optional.of(UpstreamManifest.of(
          MediaTypes.bare(get.headers().firstValue("Content-Type").orElse("")), bytes));
    } catch (IOException e) {
      throw new UpstreamUnavailableException("GET " + path + " broke off: " + e, e);
    }
  }

  @Override
  public Optional<Long> blobSize(RepositoryName repository, Digest digest) {
    String path = "v2/" + repository + "/blobs/" + digest;
    HttpResponse<Void> head = client.send("HEAD", path, scope(repository), null,
        HttpResponse.BodyHandlers.discarding());
    if (head.statusCode() == 404) {
      return Optional.empty();
    }
    require(head, "HEAD", path);
    long size = head.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (size < 0) {
      throw new UpstreamUnavailableException("HEAD " + path + " gave no Content-Length");
    }
    return Optional.of(size);
  }

  @Override
  public Optional<UpstreamBlob> openBlob(RepositoryName repository, Digest digest) {
    String path = "v2/" + repository + "/blobs/" + digest;
    UpstreamClient.Streamed get = client.stream(path, scope(repository));
    if (get.status() != 200) {
      get.discard();
      if (get.status() == 404) {
        return Optional.empty();
      }
      require(get.status(), "GET", path);
    }
    try {
      return Optional.of(new UpstreamBlob(get.length(), get.body()));
    } catch (IOException e) {
      throw new UpstreamUnavailableException("GET " + path + " broke off: " + e, e);
    }
  }

  @Override
  public List<Descriptor> referrers(RepositoryName repository, Digest subject) {
    return new UpstreamReferrers(client, repository, scope(repository)).list(subject);
  }

  static void require(HttpResponse<?> response, String method, String path) {
    require(response.statusCode(), method, path);
  }

  private static void require(int status, String method, String path) {
    if (status < 200 || status > 299) {
      throw new UpstreamUnavailableException(method + " " + path + " answered " + status
          + (status == 401 || status == 403 ? " (check the upstream credentials)" : ""));
    }
  }

  private static String scope(RepositoryName repository) {
    return "repository:" + repository + ":pull";
  }

  @Override
  public String toString() {
    return "upstream " + client.base();
  }
}
