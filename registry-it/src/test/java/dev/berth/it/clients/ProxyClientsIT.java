package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.proxy.ProxyCache;
import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.proxy.ProxyOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skopeo and podman pull through a Berth pull-through cache of registry:2, and get what a pull
 * from registry:2 directly gives: the same manifest bytes, the same blobs, the same image. The
 * image is built by podman (FROM scratch, one file) and pushed to the upstream, never to the
 * cache.
 */
class ProxyClientsIT {
  static final String HELLO = "pulled through the cache\n";

  @TempDir
  static Path work;

  static DockerRegistryProcess upstream;
  static ProxyCache proxy;
  static String up;
  static Map<String, String> env;
  static String imageId;

  @BeforeAll
  static void start() throws Exception {
    Programs.require(DockerRegistryProcess.PROGRAM);
    Programs.require("skopeo");
    Programs.require("podman");
    upstream = DockerRegistryProcess.start(work.resolve("upstream"), work.resolve("conf"));
    up = upstream.url().getAuthority();
    proxy = ProxyCache.start(work.resolve("cache"), ProxyOptions.registryTwo(upstream.url(),
        null, null, null));
    Path containersConf = Files.writeString(work.resolve("containers.conf"),
        "[engine]\nevents_logger = \"file\"\n");
    Path registriesConf = Files.writeString(work.resolve("registries.conf"),
        "[[registry]]\nlocation = \"" + up + "\"\ninsecure = true\n"
            + "[[registry]]\nlocation = \"" + proxy.authority() + "\"\ninsecure = true\n");
    Files.createDirectories(work.resolve("tmp"));
    env = Map.of("CONTAINERS_CONF", containersConf.toString(), "CONTAINERS_REGISTRIES_CONF",
        registriesConf.toString(), "BUILDAH_ISOLATION", "chroot", "TMPDIR",
        work.resolve("tmp").toString());
    Path context = Files.createDirectories(work.resolve("ctx"));
    Files.writeString(context.resolve("hello.txt"), HELLO);
    Files.writeString(context.resolve("Containerfile"), "FROM scratch\nCOPY hello.txt /\n");
    podman("b", "build", "--format", "oci", "-t", "localhost/proxied:1", context.toString());
    imageId = podman("b", "image", "inspect", "--format", "{{.Id}}", "localhost/proxied:1")
        .text().trim();
    podman("b", "push", "--tls-verify=false", "localhost/proxied:1",
        "docker://" + up + "/team/proxied:1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  static Cli.Out podman(String store, String... args) {
    Path s = work.resolve("s" + store); // short: podman refuses a runroot over 50 characters
    return Cli.check(work, env, Cli.concat(List.of("podman", "--root",
        s.resolve("root").toString(), "--runroot", s.resolve("runroot").toString(), "--tmpdir",
        s.resolve("tmp").toString(), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs"),
        args));
  }

  @Test
  void skopeoGetsTheUpstreamsBytes() throws Exception {
    assertSkopeoSeesTheSameImage(new Skopeo(work, up), work, up + "/team/proxied:1",
        proxy.authority() + "/team/proxied:1");
  }

  /**
   * skopeo reads the same manifest bytes ({@code inspect --raw}) and copies the same blobs into an
   * OCI layout from the upstream directly and through the cache.
   */
  static void assertSkopeoSeesTheSameImage(Skopeo skopeo, Path work, String upstreamImage,
      String cachedImage) throws IOException {
    byte[] direct = skopeo.check("inspect", "--raw", "--tls-verify=false",
        "docker://" + upstreamImage).stdout();
    byte[] cached = skopeo.check("inspect", "--raw", "--tls-verify=false",
        "docker://" + cachedImage).stdout();
    assertArrayEquals(direct, cached);

    Path fromUpstream = work.resolve("oci-upstream");
    Path fromProxy = work.resolve("oci-proxy");
    skopeo.check("copy", "--src-tls-verify=false", "docker://" + upstreamImage,
        "oci:" + fromUpstream + ":x");
    skopeo.check("copy", "--src-tls-verify=false", "docker://" + cachedImage,
        "oci:" + fromProxy + ":x");
    Map<String, byte[]> a = blobs(fromUpstream);
    Map<String, byte[]> b = blobs(fromProxy);
    assertEquals(a.keySet(), b.keySet());
    a.forEach((name, bytes) -> assertArrayEquals(bytes, b.get(name), name));
    assertTrue(a.size() >= 3, "manifest, config and layer: " + a.keySet());
  }

  @Test
  void podmanPullsTheSameImageThroughTheCache() {
    podman("d", "pull", "--tls-verify=false", up + "/team/proxied:1");
    podman("c", "pull", "--tls-verify=false", proxy.authority() + "/team/proxied:1");
    String direct = podman("d", "image", "inspect", "--format", "{{.Id}} {{.Digest}}",
        up + "/team/proxied:1").text().trim();
    String cached = podman("c", "image", "inspect", "--format", "{{.Id}} {{.Digest}}",
        proxy.authority() + "/team/proxied:1").text().trim();
    assertEquals(direct, cached);
    assertTrue(cached.startsWith(imageId), cached + " vs built " + imageId);
  }

  /** Every file under an OCI layout's {@code blobs/}, by relative path. */
  private static Map<String, byte[]> blobs(Path layout) throws IOException {
    Map<String, byte[]> all = new TreeMap<>();
    try (Stream<Path> files = Files.walk(layout.resolve("blobs"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.put(layout.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return all;
  }
}
