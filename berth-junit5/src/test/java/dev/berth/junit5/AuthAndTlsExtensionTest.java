package dev.berth.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension's users, token server and TLS, from the annotation and from the builder. */
class AuthAndTlsExtensionTest {

  static HttpResponse<String> get(HttpClient client, java.net.URI uri, String authorization)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  @Nested
  @BerthTest(users = "alice:secret", tls = true)
  class FromTheAnnotation {
    @Test
    void usersOverTls(BerthRuntimeInfo berth) throws Exception {
      HttpClient client = HttpClient.newBuilder()
          .sslContext(berth.tlsCertificate().orElseThrow().sslContext()).build();
      java.net.URI catalog = berth.url().resolve("/v2/_catalog");
      assertEquals("https", berth.url().getScheme());
      assertEquals(401, get(client, catalog, null).statusCode());
      HttpResponse<String> alice = get(client, catalog, basic("alice", "secret"));
      assertEquals(200, alice.statusCode());
      assertEquals(HttpClient.Version.HTTP_2, alice.version());
    }
  }

  @Nested
  class FromTheBuilder {
    @RegisterExtension
    BerthExtension berth = BerthExtension.builder().user("bob", "pw").tokenServer().build();

    @Test
    void tokenServer(BerthRuntimeInfo info) throws Exception {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> challenge = get(client, info.url().resolve("/v2/_catalog"), null);
      assertEquals(401, challenge.statusCode());
      assertTrue(challenge.headers().firstValue("WWW-Authenticate").orElse("")
          .startsWith("Bearer realm=\"" + info.url().resolve("/auth/token")),
          () -> challenge.headers().toString());
      HttpResponse<String> token = get(client, info.url().resolve(
          "/auth/token?service=berth&scope=registry:catalog:*"), basic("bob", "pw"));
      assertEquals(200, token.statusCode(), token.body());
      assertTrue(info.tlsCertificate().isEmpty());
    }
  }

  @Nested
  @BerthTest
  class OpenByDefault {
    @Test
    void anyoneMayList(BerthRuntimeInfo berth) throws Exception {
      assertEquals(200, get(HttpClient.newHttpClient(), berth.url().resolve("/v2/_catalog"),
          null).statusCode());
    }
  }
}
