package dev.berth.registry.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.Registry;
import dev.berth.registry.access.AccessController;
import dev.berth.registry.access.AccessDenied;
import dev.berth.registry.access.Action;
import dev.berth.registry.access.Permit;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.servlet.testing.JettyTestServer;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import dev.berth.registry.servlet.testing.TestServer;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Blob GETs redirected to presigned S3 URLs ({@code storage.s3.redirect}), over real HTTP on
 * S3Proxy: the 307 and its headers, the bytes the URL serves, what is never redirected (HEAD, an
 * unknown blob, a refused pull), and a storage without redirects serving as before.
 */
class BlobRedirectOnS3ProxyTest {
  private static final String REPO = "redirects/app";
  private static S3ProxyServer proxy;

  private S3Storage storage;
  private Registry registry;
  private TestServer server;
  private RegistryClient client;

  @BeforeAll
  static void startProxy() throws Exception {
    proxy = S3ProxyServer.start();
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  private void start(Duration expiry, AccessController access) throws Exception {
    storage = S3Storage.open(proxy.server().config("redirects").redirects(expiry).build(),
        Clock.systemUTC());
    registry = Registry.builder().storage(storage).build();
    server = JettyTestServer.start(registry, access);
    client = new RegistryClient(server.url());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    registry.close();
    storage.close();
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private String blobPath(Digest digest) {
    return "/v2/" + REPO + "/blobs/" + digest;
  }

  @Test
  void getAnswers307ToAPresignedUrlThatServesTheExactBytes() throws Exception {
    start(Duration.ofMinutes(20), AccessController.ALLOW_ALL);
    byte[] blob = random(3 * 1024 * 1024 + 17);
    Digest digest = client.pushBlob(REPO, blob);

    Response get = client.get(blobPath(digest));

    assertEquals(307, get.status(), get::toString);
    assertEquals(digest.toString(), get.header("Docker-Content-Digest"));
    assertEquals(0, get.body().length);
    // The year-long caching of blob bytes must not stick to a URL that expires.
    assertNull(get.header("Cache-Control"));
    URI location = URI.create(get.header("Location"));
    assertEquals(proxy.server().endpoint().getAuthority(), location.getAuthority());
    assertTrue(location.getPath().endsWith("/docker/registry/v2/blobs/sha256/"
        + digest.encoded().substring(0, 2) + "/" + digest.encoded() + "/data"), location::toString);
    assertTrue(location.getRawQuery().contains("X-Amz-Expires=1200"), location::toString);
    assertTrue(location.getRawQuery().contains("X-Amz-Signature="), location::toString);

    Response followed = client.get(location.toString());
    assertEquals(200, followed.status(), followed::toString);
    assertArrayEquals(blob, followed.body());
    Response range = client.get(location.toString(), "Range", "bytes=100-199");
    assertEquals(206, range.status(), range::toString);
    assertArrayEquals(Arrays.copyOfRange(blob, 100, 200), range.body());
  }

  @Test
  void theExpiryIsTheConfiguredOne() throws Exception {
    start(Duration.ofSeconds(90), AccessController.ALLOW_ALL);
    Digest digest = client.pushBlob(REPO, random(1000));
    Response get = client.get(blobPath(digest));
    assertEquals(307, get.status(), get::toString);
    assertTrue(get.header("Location").contains("X-Amz-Expires=90&")
        || get.header("Location").endsWith("X-Amz-Expires=90"), get.header("Location"));
  }

  @Test
  void headUnknownBlobsAndManifestsAreNeverRedirected() throws Exception {
    start(Duration.ofMinutes(20), AccessController.ALLOW_ALL);
    byte[] blob = random(5000);
    Digest digest = client.pushBlob(REPO, blob);

    Response head = client.head(blobPath(digest));
    assertEquals(200, head.status(), head::toString);
    assertNull(head.header("Location"));
    assertEquals(String.valueOf(blob.length), head.header("Content-Length"));

    Response unknown = client.get(blobPath(Digest.sha256(random(7))));
    assertEquals(404, unknown.status(), unknown::toString);
    assertNull(unknown.header("Location"));

    Digest manifest = client.pushSmallImage(REPO, "v1", "redirected");
    Response get = client.get("/v2/" + REPO + "/manifests/v1");
    assertEquals(200, get.status(), get::toString);
    assertEquals(manifest.toString(), get.header("Docker-Content-Digest"));
  }

  @Test
  void aRefusedPullGetsNoUrl() throws Exception {
    AccessController noPulls = request -> {
      if (request.needs().stream().anyMatch(a -> a.action() == Action.PULL)) {
        throw AccessDenied.denied("pulls are refused here", null);
      }
      return Permit.ALL;
    };
    start(Duration.ofMinutes(20), noPulls);
    Digest digest = Digest.sha256(random(4000));
    try (TestServer open = JettyTestServer.start(registry)) {
      new RegistryClient(open.url()).pushBlob(REPO, random(4000));
    }

    Response get = client.get(blobPath(digest));

    assertEquals(403, get.status(), get::toString);
    assertNull(get.header("Location"));
    assertNotNull(registry.blobs().require(RepositoryName.parse(REPO),
        digest));
  }

  @Test
  void withoutRedirectsTheBytesComeThroughBerth() throws Exception {
    start(null, AccessController.ALLOW_ALL);
    byte[] blob = random(6000);
    Digest digest = client.pushBlob(REPO, blob);
    Response get = client.get(blobPath(digest));
    assertEquals(200, get.status(), get::toString);
    assertArrayEquals(blob, get.body());
  }
}
