package dev.berth.registry.servlet.mounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.registry.Registry;
import dev.berth.registry.layout.StoragePaths;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.servlet.BerthServlet;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The servlet the way containers and frameworks mount it: under a prefix (Spring Boot registers
 * servlets at a path such as {@code /registry/*} under the root context), and configured only by
 * {@code web.xml}-style init params, with no Registry handed to it.
 */
class ServletMountingTest {

  @TempDir
  Path root;

  private Server server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
  }

  /** Starts Jetty with the servlet at {@code mapping}; init params when no registry is given. */
  private URI start(String mapping, BerthServlet servlet, Map<String, String> initParams)
      throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder holder = new ServletHolder("berth", servlet);
    holder.setAsyncSupported(true);
    holder.setInitParameters(initParams);
    holder.setInitOrder(1);
    context.addServlet(holder, mapping);
    server.setHandler(context);
    server.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @Test
  void underAPrefixEveryRouteAndEveryLinkCarriesIt() throws Exception {
    RegistryClient client = new RegistryClient(start("/registry/*",
        new BerthServlet(Registry.builder().inMemory().build()), Map.of()));
    byte[] layer = "prefixed layer".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(layer);

    assertEquals(200, client.get("/registry/v2/").status());
    Response start = client.post("/registry/v2/app/blobs/uploads/", null);
    assertEquals(202, start.status(), start::toString);
    assertTrue(URI.create(start.header("Location")).getPath().startsWith(
        "/registry/v2/app/blobs/uploads/"), start.header("Location"));
    Response put = client.put(RegistryClient.withQuery(start.header("Location"), "digest="
        + digest), layer, "Content-Type", "application/octet-stream");
    assertEquals(201, put.status(), put::toString);
    assertEquals("/registry/v2/app/blobs/" + digest, URI.create(put.header("Location")).getPath());

    byte[] manifest = RegistryClient.smallManifest(digest, layer.length, "p", null, null);
    for (String tag : new String[] {"a", "b", "c"}) {
      Response m = client.putManifestAt("/registry/v2/app/manifests/" + tag,
          MediaTypes.OCI_MANIFEST, manifest);
      assertEquals(201, m.status(), m::toString);
      assertTrue(URI.create(m.header("Location")).getPath().startsWith("/registry/v2/app/"));
    }
    Response page = client.get("/registry/v2/app/tags/list?n=2");
    assertEquals("</registry/v2/app/tags/list?n=2&last=b>; rel=\"next\"", page.header("Link"));
    assertEquals(200, client.get("/registry/v2/app/manifests/a").status());
    assertEquals(404, client.get("/v2/app/manifests/a").status(), "nothing outside the prefix");
  }

  @Test
  void initParamsConfigureEverySetting() throws Exception {
    BerthServlet servlet = new BerthServlet();
    RegistryClient client = new RegistryClient(start("/*", servlet, Map.of(
        "storage.path", root.toString(), "deletes.enabled", "false",
        "http.relativeUrls", "true", "manifests.maxBytes", "2048", "uploads.purgeInterval", "0s",
        "storage.fsync", "false")));

    Response upload = client.post("/v2/app/blobs/uploads/", null);
    assertTrue(upload.header("Location").startsWith("/v2/app/blobs/uploads/"),
        "relative URLs: " + upload.header("Location"));
    Response big = client.putManifest("app", "big", MediaTypes.OCI_MANIFEST, new byte[4096]);
    assertEquals(413, big.status(), big::toString);
    client.pushSmallImage("app", "v1", "d");
    Response delete = client.delete("/v2/app/manifests/v1");
    assertEquals(405, delete.status(), "deletes disabled: " + delete);
    assertTrue(servlet.registry().storage().toString().contains(root.toString()));
  }

  /** A mistyped init param stops the deployment with a message naming it, not later. */
  @Test
  void anUnknownInitParamStopsTheServletFromStarting() {
    Exception e = assertThrows(Exception.class, () -> start("/*", new BerthServlet(),
        Map.of("storage.path", "memory", "deletes.enabeld", "true")));
    String message = e.toString() + (e.getCause() == null ? "" : e.getCause());
    assertTrue(message.contains("unknown init-param 'deletes.enabeld'"), message);
    assertTrue(message.contains("deletes.enabled"), "the message lists the known names");
  }

  /**
   * Over data that registry:2 wrote (no Berth index), the servlet lists referrers at once: the
   * registry it builds indexes the existing manifests, as the launcher's serve does.
   */
  @Test
  void overRegistryTwoDataTheServletListsReferrers() throws Exception {
    Digest subject;
    Digest referrer;
    try (Registry writer = Registry.builder().filesystem(root, false).build()) {
      URI base = start("/*", new BerthServlet(writer), Map.of());
      RegistryClient client = new RegistryClient(base);
      subject = client.pushSmallImage("app", "v1", "subject");
      referrer = client.pushSmallImage("app", "sig", "sig", subject, "application/example");
      server.stop();
      writer.storage().delete(StoragePaths.referrersDirectory(RepositoryName.parse("app")));
      writer.storage().delete(StoragePaths.referrersIndexVersion());
    }
    BerthServlet servlet = new BerthServlet();
    RegistryClient client = new RegistryClient(start("/*", servlet,
        Map.of("storage.path", root.toString())));
    Response listed = client.get("/v2/app/referrers/" + subject);
    assertEquals(200, listed.status());
    assertEquals(referrer.toString(), listed.json().getAsJsonArray("manifests").get(0)
        .getAsJsonObject().get("digest").getAsString());
    assertFalse(servlet.registry().startReport().reindexed().isEmpty());
  }
}
