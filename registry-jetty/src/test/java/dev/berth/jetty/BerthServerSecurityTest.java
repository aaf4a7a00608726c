package dev.berth.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.berth.registry.Registry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server's TLS and authentication, over real HTTP: a certificate it makes and hands
 * the test, HTTP/2 negotiated through ALPN, users given in code (Basic), the built-in token
 * server, client certificates whose CN is the user; and a server asked for none of these stays
 * open.
 */
class BerthServerSecurityTest {

  static HttpResponse<String> get(HttpClient client, URI uri, Optional<String> authorization)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    authorization.ifPresent(a -> b.header("Authorization", a));
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  static BerthServer.Builder inMemory() {
    return BerthServer.builder(Registry.builder().inMemory().build()).closeRegistry(true);
  }

  @Test
  void tlsMakesACertificateTheClientCanTrustAndSpeaksHttp2() throws Exception {
    try (BerthServer server = inMemory().tls().start()) {
      TlsCertificate certificate = server.tlsCertificate().orElseThrow();
      HttpClient client = HttpClient.newBuilder().sslContext(certificate.sslContext()).build();

      HttpResponse<String> r = get(client, server.url().resolve("/v2/"), Optional.empty());

      assertEquals("https", server.url().getScheme());
      assertEquals(200, r.statusCode());
      assertEquals(HttpClient.Version.HTTP_2, r.version());
      assertTrue(certificate.pem().startsWith("-----BEGIN CERTIFICATE-----\n"));
      // Without trusting it, the handshake fails: the certificate is not one the JDK knows.
      assertThrows(IOException.class, () -> get(HttpClient.newHttpClient(),
          server.url().resolve("/v2/"), Optional.empty()));
    }
  }

  @Test
  void http2CanBeTurnedOff() throws Exception {
    try (BerthServer server = inMemory().tls().http2(false).start()) {
      HttpClient client = HttpClient.newBuilder()
          .sslContext(server.tlsCertificate().orElseThrow().sslContext()).build();
      HttpResponse<String> r = get(client, server.url().resolve("/v2/"), Optional.empty());
      assertEquals(200, r.statusCode());
      assertEquals(HttpClient.Version.HTTP_1_1, r.version());
    }
  }

  @Test
  void usersInCodeCloseTheRegistryToEveryoneElse() throws Exception {
    try (BerthServer server = inMemory().user("alice", "secret").start()) {
      HttpClient client = HttpClient.newHttpClient();
      URI catalog = server.url().resolve("/v2/_catalog");

      HttpResponse<String> anonymous = get(client, catalog, Optional.empty());
      HttpResponse<String> wrong = get(client, catalog, Optional.of(basic("alice", "guess")));
      HttpResponse<String> alice = get(client, catalog, Optional.of(basic("alice", "secret")));

      assertEquals(401, anonymous.statusCode());
      assertEquals("Basic realm=\"Berth\"", anonymous.headers()
          .firstValue("WWW-Authenticate").orElse(""));
      assertEquals(401, wrong.statusCode());
      assertEquals(200, alice.statusCode());
    }
  }

  @Test
  void anEmbeddedServerStaysOpenByDefault() throws Exception {
    try (BerthServer server = BerthServer.startInMemory()) {
      assertEquals(200, get(HttpClient.newHttpClient(), server.url().resolve("/v2/_catalog"),
          Optional.empty()).statusCode());
      assertTrue(server.tlsCertificate().isEmpty());
    }
  }

  @Test
  void theTokenServerIssuesTokensForUsersInCode() throws Exception {
    try (BerthServer server = inMemory().user("alice", "secret").tokenServer().tls().start()) {
      HttpClient client = HttpClient.newBuilder()
          .sslContext(server.tlsCertificate().orElseThrow().sslContext()).build();
      URI catalog = server.url().resolve("/v2/_catalog");

      HttpResponse<String> challenge = get(client, catalog, Optional.empty());
      String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
      String realm = server.url().resolve("/auth/token").toString();
      HttpResponse<String> token = get(client, URI.create(realm
          + "?service=berth&scope=registry:catalog:*"), Optional.of(basic("alice", "secret")));
      HttpResponse<String> refusedToken = get(client, URI.create(realm + "?service=berth"),
          Optional.of(basic("alice", "guess")));
      String jwt = JsonParser.parseString(token.body()).getAsJsonObject().get("token")
          .getAsString();
      HttpResponse<String> withToken = get(client, catalog, Optional.of("Bearer " + jwt));

      assertEquals(401, challenge.statusCode());
      assertTrue(header.startsWith("Bearer realm=\"" + realm + "\",service=\"berth\""), header);
      assertEquals(200, token.statusCode(), token.body());
      assertEquals(401, refusedToken.statusCode());
      assertEquals(200, withToken.statusCode(), withToken.body());
    }
  }

  @Test
  void aClientCertificatesCommonNameIsTheUser(@TempDir Path dir) throws Exception {
    TlsCertificate clientCertificate = TlsCertificate.selfSigned();
    try (BerthServer server = inMemory().tls().user("alice", "secret")
        .clientCertificates(List.of(clientCertificate.certificate())).start()) {
      TlsCertificate serverCertificate = server.tlsCertificate().orElseThrow();
      HttpClient withCertificate = HttpClient.newBuilder().sslContext(
          clientContext(clientCertificate, serverCertificate)).build();
      HttpClient without = HttpClient.newBuilder().sslContext(serverCertificate.sslContext())
          .build();
      URI catalog = server.url().resolve("/v2/_catalog");

      // The certificate's CN (localhost) is a user: no password needed, and a wrong one is
      // still refused.
      assertEquals(200, get(withCertificate, catalog, Optional.empty()).statusCode());
      assertEquals(401, get(withCertificate, catalog, Optional.of(basic("alice", "guess")))
          .statusCode());
      assertEquals(200, get(withCertificate, catalog, Optional.of(basic("alice", "secret")))
          .statusCode());
      // No certificate, no connection (need, not want).
      assertThrows(IOException.class, () -> get(without, catalog, Optional.empty()));
      assertFalse(Files.list(dir).findAny().isPresent());
    }
  }

  private static SSLContext clientContext(TlsCertificate client, TlsCertificate server)
      throws Exception {
    KeyStore keys = client.keyStore();
    KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory
        .getDefaultAlgorithm());
    km.init(keys, TlsCertificate.PASSWORD);
    TrustManagerFactory tm = TrustManagerFactory.getInstance(TrustManagerFactory
        .getDefaultAlgorithm());
    tm.init(server.trustStore());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(km.getKeyManagers(), tm.getTrustManagers(), null);
    return context;
  }
}
