package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.it.support.BerthProcess;
import dev.berth.it.support.Programs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's HTTPS from PEM files openssl made: an RSA certificate a CA signed and a
 * self-signed EC one, HTTP/2 negotiated with java.net.http, skopeo verifying the certificate
 * through {@code --cert-dir}, and client certificates required by {@code --tls-client-cas}
 * (java.net.http and skopeo with Alice's certificate; without one no connection).
 */
class LauncherTlsIT {

  @TempDir
  static Path work;
  static TestTls tls;
  static Path layout;

  @BeforeAll
  static void certificates() throws Exception {
    tls = TestTls.make(work.resolve("tls"));
    layout = OciLayout.write(work.resolve("layout"), "v1", "hello over TLS\n");
  }

  static HttpResponse<String> get(SSLContext context, URI uri) throws Exception {
    return HttpClient.newBuilder().sslContext(context).build().send(
        HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** skopeo copies the layout in and inspects it back, verifying the server's certificate. */
  static void skopeoRoundTrip(BerthProcess berth, Path certDir, String repository)
      throws Exception {
    SecureClients clients = new SecureClients(work.resolve("clients-" + repository));
    String ref = "docker://" + berth.authority() + "/" + repository + ":v1";
    clients.check(clients.skopeo("copy", "--dest-cert-dir", certDir.toString(),
        "oci:" + layout + ":v1", ref));
    String raw = clients.check(clients.skopeo("inspect", "--raw", "--cert-dir",
        certDir.toString(), ref)).text();
    assertTrue(raw.contains(Oci.OCI_LAYER_GZIP), raw);
  }

  @Test
  void rsaCertificateFromACaServesHttp2AndSkopeoVerifiesIt() throws Exception {
    Programs.require("skopeo");
    try (BerthProcess berth = BerthProcess.start("--storage", "memory", "--tls-certificate",
        tls.rsaCertificate.toString(), "--tls-key", tls.rsaKey.toString())) {
      assertEquals("https", berth.url().getScheme(), berth::output);
      HttpResponse<String> root = get(tls.context(tls.ca, false), berth.url().resolve("/v2/"));
      assertEquals(200, root.statusCode());
      assertEquals(HttpClient.Version.HTTP_2, root.version());
      skopeoRoundTrip(berth, tls.certDir("rsa", tls.ca, false), "tls/rsa");
      // A client that does not trust the CA gets no answer at all.
      SecureClients untrusting = new SecureClients(work.resolve("untrusting"));
      Cli.Out refused = untrusting.run(untrusting.skopeo("inspect", "--raw",
          "docker://" + berth.authority() + "/tls/rsa:v1"));
      assertFalse(refused.ok(), refused::toString);
      assertTrue(refused.all().contains("certificate"), refused::toString);
    }
  }

  @Test
  void selfSignedEcCertificate() throws Exception {
    Programs.require("skopeo");
    try (BerthProcess berth = BerthProcess.start("--storage", "memory", "--tls-certificate",
        tls.ecCertificate.toString(), "--tls-key", tls.ecKey.toString(), "--no-tls-http2")) {
      HttpResponse<String> root = get(tls.context(tls.ecCertificate, false),
          berth.url().resolve("/v2/"));
      assertEquals(200, root.statusCode());
      assertEquals(HttpClient.Version.HTTP_1_1, root.version(), "--no-tls-http2");
      skopeoRoundTrip(berth, tls.certDir("ec", tls.ecCertificate, false), "tls/ec");
    }
  }

  @Test
  void clientCertificatesAreRequiredAndTheirCommonNameIsTheUser() throws Exception {
    Programs.require("skopeo");
    try (BerthProcess berth = BerthProcess.start("--storage", "memory", "--tls-certificate",
        tls.rsaCertificate.toString(), "--tls-key", tls.rsaKey.toString(), "--tls-client-cas",
        tls.ca.toString())) {
      assertTrue(berth.output().contains("client certificates required"), berth::output);
      URI catalog = berth.url().resolve("/v2/_catalog");
      HttpResponse<String> alice = get(tls.context(tls.ca, true), catalog);
      assertEquals(200, alice.statusCode(), alice::body);
      assertEquals(HttpClient.Version.HTTP_2, alice.version());
      assertThrows(IOException.class, () -> get(tls.context(tls.ca, false), catalog));
      skopeoRoundTrip(berth, tls.certDir("client", tls.ca, true), "tls/client");
      SecureClients without = new SecureClients(work.resolve("no-client-cert"));
      Cli.Out refused = without.run(without.skopeo("inspect", "--raw", "--cert-dir",
          tls.certDir("no-client", tls.ca, false).toString(),
          "docker://" + berth.authority() + "/tls/client:v1"));
      assertFalse(refused.ok(), refused::toString);
    }
  }
}
