package dev.berth.it.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.it.support.Programs;
import dev.berth.jetty.BerthServer;
import dev.berth.registry.Registry;
import dev.berth.registry.proxy.ProxyOptions;
import dev.berth.registry.proxy.UpstreamOptions;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstreams that want credentials: registry:2 with htpasswd (Basic) over TLS signed by a CA of
 * the test's own (the cache trusts it through a PEM bundle), and a Berth with its built-in token
 * server (the bearer flow of the challenge). Wrong credentials make a miss 503, never a 404.
 */
class ProxyAuthIT {
  static final String REPO = "private/app";

  @TempDir
  Path work;

  @Test
  void registryTwoWithBasicAuthOverTlsThroughACaBundle() throws Exception {
    Programs.require(DockerRegistryProcess.PROGRAM);
    Programs.require("openssl");
    Programs.require("htpasswd");
    Path root = work.resolve("upstream");
    Content.Image image;
    // Content goes in while the upstream is open; then it restarts on the same root, locked.
    try (DockerRegistryProcess open = DockerRegistryProcess.start(root, work.resolve("c1"))) {
      image = Content.push(new RegistryClient(open.url()), REPO, "1.0", "basic", 40_000);
    }
    Path tls = Files.createDirectories(work.resolve("tls"));
    TestCa.issue(tls);
    Path htpasswd = work.resolve("htpasswd");
    Programs.check(null, null, Duration.ofSeconds(30), "htpasswd", "-Bbc", htpasswd.toString(),
        "alice", "s3cret");
    try (DockerRegistryProcess locked = DockerRegistryProcess.start(root, work.resolve("c2"),
        DockerRegistryProcess.Options.DEFAULT.withHtpasswd(htpasswd)
            .withTls(tls.resolve("server.pem"), tls.resolve("server.key")))) {
      assertEquals("https", locked.url().getScheme());
      UpstreamOptions upstream = UpstreamOptions.of(locked.url())
          .withCaBundle(tls.resolve("ca.pem"));
      try (ProxyCache proxy = ProxyCache.start(work.resolve("cache"),
          ProxyOptions.of(upstream.withCredentials("alice", "s3cret")))) {
        assertArrayEquals(image.manifest(), Content.manifest(proxy.http, REPO, "1.0").body());
        assertArrayEquals(image.layerBytes(),
            proxy.http.get("/v2/" + REPO + "/blobs/" + image.layer()).body());
      }
      try (ProxyCache wrong = ProxyCache.start(work.resolve("cache-wrong"),
          ProxyOptions.of(upstream.withCredentials("alice", "wrong")))) {
        Response refused = Content.manifest(wrong.http, REPO, "1.0");
        assertEquals(503, refused.status(), refused::toString);
        assertTrue(refused.errorMessage().contains("401"), refused::toString);
      }
      try (ProxyCache untrusting = ProxyCache.start(work.resolve("cache-untrusting"),
          ProxyOptions.of(UpstreamOptions.of(locked.url())
              .withCredentials("alice", "s3cret")))) {
        Response refused = Content.manifest(untrusting.http, REPO, "1.0");
        assertEquals(503, refused.status(), "the JDK's CAs do not know the test CA: "
            + refused);
      }
    }
  }

  @Test
  void berthWithATokenServerThroughTheBearerFlow() throws Exception {
    Programs.require("htpasswd");
    Path htpasswd = work.resolve("htpasswd");
    Programs.check(null, null, Duration.ofSeconds(30), "htpasswd", "-Bbc", htpasswd.toString(),
        "bob", "t0ken");
    try (Registry registry = Registry.builder().inMemory().build();
        BerthServer open = BerthServer.start(registry, "127.0.0.1", 0);
        TokenAuthBerth locked = TokenAuthBerth.start(registry, htpasswd)) {
      RegistryClient pusher = new RegistryClient(open.url());
      Content.Image image = Content.push(pusher, REPO, "1.0", "bearer", 30_000);
      Content.Image sig = Content.pushReferrer(pusher, REPO, image, Content.SIGNATURE, "sig");
      Response anonymous = new RegistryClient(locked.url()).get("/v2/" + REPO + "/manifests/1.0");
      assertEquals(401, anonymous.status(), "the upstream is really locked: " + anonymous);
      assertTrue(anonymous.header("WWW-Authenticate").startsWith("Bearer "), anonymous::toString);

      try (ProxyCache proxy = ProxyCache.start(work.resolve("cache"), ProxyOptions.of(
          UpstreamOptions.of(locked.url()).withCredentials("bob", "t0ken")))) {
        assertArrayEquals(image.manifest(), Content.manifest(proxy.http, REPO, "1.0").body());
        assertArrayEquals(image.layerBytes(),
            proxy.http.get("/v2/" + REPO + "/blobs/" + image.layer()).body());
        assertEquals(List.of(sig.digest().toString()),
            Content.referrers(proxy.http, REPO, image.digest(), null));
      }
      try (ProxyCache wrong = ProxyCache.start(work.resolve("cache-wrong"), ProxyOptions.of(
          UpstreamOptions.of(locked.url()).withCredentials("bob", "nope")))) {
        Response refused = Content.manifest(wrong.http, REPO, "1.0");
        assertEquals(503, refused.status(), refused::toString);
        assertTrue(refused.errorMessage().contains("credentials"), refused::toString);
      }
    }
  }
}
