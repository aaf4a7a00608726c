package dev.berth.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.DockerRegistryProcess;
import dev.berth.it.support.Programs;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Berth started from distribution's {@code config.yml}, as {@code registry serve config.yml}:
 * the file Debian's docker-registry package installs, the one the layout-compatibility test gives
 * registry:2, read-only mode, the external URL and prefix, and HTTPS from PEM files; with
 * {@code REGISTRY_*} variables overriding the file as they do in registry:2.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DistributionConfigIT {

  @TempDir
  Path work;

  /** The installed file where the package is installed, else the copy kept with the tests. */
  Path debianConfig() throws Exception {
    Path installed = Path.of("/etc/docker/registry/config.yml");
    if (Files.isReadable(installed)) {
      return installed;
    }
    Path copy = work.resolve("config.yml");
    try (InputStream in = getClass().getResourceAsStream("/distribution/debian-config.yml")) {
      Files.copy(in, copy);
    }
    return copy;
  }

  @Test
  void debianPackagesConfigurationServes() throws Exception {
    Path config = debianConfig();
    Path root = work.resolve("root");
    // Debian's file points htpasswd at a folder (/etc/docker/registry): registry:2 then answers
    // every request 401 or 400; Berth refuses to start, naming the key (exit 2).
    Map<String, String> env = Map.of("REGISTRY_HTTP_ADDR", "127.0.0.1:0",
        "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", root.toString());
    Programs.Result refused = BerthProcess.run(env, "serve", config.toString());
    assertEquals(2, refused.exitCode(), refused::toString);
    assertTrue(refused.output().contains("auth.htpasswd.path = '/etc/docker/registry' (from "
        + config + ": auth.htpasswd.path): not a file"), refused::toString);
    // With the path pointed at a real file, it serves: Basic with the file's users.
    Path users = work.resolve("htpasswd");
    Programs.check(work, null, java.time.Duration.ofMinutes(1), "htpasswd", "-Bbc",
        users.toString(), "debian", "pw");
    Map<String, String> fixed = new java.util.HashMap<>(env);
    fixed.put("REGISTRY_AUTH_HTPASSWD_PATH", users.toString());
    try (BerthProcess berth = BerthProcess.launch(List.of(), fixed, "serve", config.toString())) {
      String out = berth.output();
      assertTrue(out.contains("berth: warning: " + config + ": ignored, Berth has no equivalent:"
          + " http.headers.X-Content-Type-Options, log.fields.service,"
          + " storage.cache.blobdescriptor"), out);
      assertTrue(out.contains("berth: access: htpasswd " + users), out);
      assertTrue(out.contains("health.storage.interval=10s (" + config
          + ": health.storagedriver.interval)"), out);
      assertTrue(out.contains("storage.path=" + root
          + " (REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY)"), out);
      assertTrue(out.contains("uploads.purgeInterval=24h"), out);
      RegistryClient client = new RegistryClient(berth.url());
      RegistryClient.Response anonymous = client.get("/v2/_catalog");
      assertEquals(401, anonymous.status());
      assertEquals("Basic realm=\"basic-realm\"", anonymous.header("WWW-Authenticate"));
      String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
          "debian:pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      byte[] blob = "debian".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      String digest = Digest.sha256(blob).toString();
      RegistryClient.Response push = client.post("/v2/it/debian/blobs/uploads/?digest=" + digest,
          blob, "Authorization", basic);
      assertEquals(201, push.status(), push::toString);
    }
    assertTrue(Files.isDirectory(root.resolve("docker/registry/v2/repositories/it/debian")));
  }

  @Test
  void theLayoutTestsConfigurationServes() throws Exception {
    Path root = work.resolve("root");
    int port = freePort();
    Path config = DockerRegistryProcess.writeConfig(root, work.resolve("conf"), port);
    try (BerthProcess berth = BerthProcess.launch(List.of(), "serve", "--config",
        config.toString())) {
      assertEquals(URI.create("http://127.0.0.1:" + port + "/"), berth.url(), berth::output);
      assertTrue(berth.output().contains("log.accessLog.enabled=false"), berth::output);
      RegistryClient client = new RegistryClient(berth.url());
      Digest manifest = client.pushFixtureImage("it/layout", "v1");
      assertEquals(202, client.delete("/v2/it/layout/manifests/" + manifest).status());
    }
    assertTrue(Files.isDirectory(root.resolve("docker/registry/v2/repositories/it/layout")));
  }

  @Test
  void readOnlyFromTheFileAndOverriddenByTheEnvironment() throws Exception {
    Path config = Files.writeString(work.resolve("ro.yml"), String.join("\n",
        "version: 0.1",
        "storage:",
        "  filesystem: {rootdirectory: " + work.resolve("root") + "}",
        "  maintenance: {readonly: {enabled: true}}",
        "http: {addr: '127.0.0.1:0'}", ""));
    try (BerthProcess berth = BerthProcess.launch(List.of(), "serve", config.toString())) {
      assertTrue(berth.output().contains("berth: read-only: writes are refused"),
          berth::output);
      RegistryClient client = new RegistryClient(berth.url());
      RegistryClient.Response push = client.post("/v2/it/ro/blobs/uploads/", null);
      assertEquals(405, push.status(), push::toString);
      assertEquals(List.of("UNSUPPORTED"), push.errorCodes());
      assertEquals(200, client.get("/v2/").status());
      assertEquals(200, client.get("/v2/_catalog").status());
    }
    try (BerthProcess berth = BerthProcess.launch(List.of(),
        Map.of("REGISTRY_STORAGE_MAINTENANCE_READONLY_ENABLED", "false"), "serve",
        config.toString())) {
      assertEquals(202, new RegistryClient(berth.url()).post("/v2/it/ro/blobs/uploads/", null)
          .status(), berth::output);
    }
  }

  @Test
  void externalUrlAndPrefix() throws Exception {
    Path config = Files.writeString(work.resolve("prefix.yml"), String.join("\n",
        "version: 0.1",
        "storage: {inmemory: {}}",
        "http:",
        "  addr: 127.0.0.1:0",
        "  host: https://registry.example.com:8443",
        "  prefix: /mirror/", ""));
    try (BerthProcess berth = BerthProcess.launch(List.of(), "serve", config.toString())) {
      assertTrue(berth.url().getPath().equals("/mirror/"), berth::output);
      RegistryClient client = new RegistryClient(berth.url());
      RegistryClient.Response started = client.post("/v2/it/prefixed/blobs/uploads/", null);
      assertEquals(202, started.status(), started::toString);
      assertTrue(started.header("Location").startsWith(
          "https://registry.example.com:8443/mirror/v2/it/prefixed/blobs/uploads/"),
          started::toString);
      RegistryClient root = new RegistryClient(URI.create(berth.url().resolve("/") + ""));
      assertEquals(404, root.get("/v2/").status(), "served outside its prefix");
    }
  }

  @Test
  void httpsFromPemFiles() throws Exception {
    Programs.require("openssl");
    Path cert = work.resolve("cert.pem");
    Path key = work.resolve("key.pem");
    Programs.check(work, null, Duration.ofSeconds(60), "openssl", "req", "-x509", "-newkey",
        "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1");
    Path pkcs1 = work.resolve("key-pkcs1.pem");
    Programs.check(work, null, Duration.ofSeconds(60), "openssl", "rsa", "-in", key.toString(),
        "-traditional", "-out", pkcs1.toString());
    assertTrue(Files.readString(pkcs1).contains("BEGIN RSA PRIVATE KEY"));
    HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert))
        .connectTimeout(Duration.ofSeconds(10)).build();
    for (Path k : List.of(key, pkcs1)) {
      try (BerthProcess berth = BerthProcess.start("--storage", "memory", "--tls-certificate",
          cert.toString(), "--tls-key", k.toString())) {
        assertEquals("https", berth.url().getScheme(), berth::output);
        HttpResponse<String> base = https.send(HttpRequest.newBuilder(berth.url().resolve("v2/"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, base.statusCode());
        assertEquals("registry/2.0", base.headers().firstValue(
            "Docker-Distribution-API-Version").orElse(null));
        HttpResponse<String> start = https.send(HttpRequest.newBuilder(berth.url().resolve(
            "v2/it/tls/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(202, start.statusCode());
        assertTrue(start.headers().firstValue("Location").orElseThrow().startsWith("https://"));
      }
    }
    Path other = work.resolve("other.pem");
    Programs.check(work, null, Duration.ofSeconds(60), "openssl", "genpkey", "-algorithm", "RSA",
        "-out", other.toString());
    Programs.Result mismatch = BerthProcess.run("serve", "--storage", "memory",
        "--tls-certificate", cert.toString(), "--tls-key", other.toString());
    assertEquals(2, mismatch.exitCode(), mismatch::toString);
    assertTrue(mismatch.output().contains("http.tls.key = '" + other + "' (from --tls-key): not"
        + " the key of the certificate CN=localhost"), mismatch::toString);
  }

  static SSLContext trusting(Path certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(certificate)) {
      trust.setCertificateEntry("berth", CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
