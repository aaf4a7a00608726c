package dev.berth.jetty;

import dev.berth.registry.access.AccessController;
import dev.berth.registry.auth.basic.HtpasswdWriter;
import dev.berth.registry.auth.seam.AuthConfig;
import dev.berth.registry.auth.seam.AuthSetup;
import dev.berth.registry.auth.seam.TokenServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a {@link BerthServer.Builder} was told about TLS and authentication, resolved once at bind:
 * the key store to serve HTTPS with (given, or a {@link TlsCertificate} made for the test), the
 * CAs client certificates must chain to, whether HTTP/2 is offered, and the access controller and
 * token servlet of an {@link AuthSetup} (given by the launcher, or built from users in code).
 * Embedded registries stay open unless asked.
 */
final class ServerSecurity {
  KeyStore keyStore;
  char[] keyStorePassword;
  TlsCertificate generated;
  KeyStore clientCas;
  boolean http2 = true;
  AuthSetup auth;
  final Map<String, String> users = new LinkedHashMap<>();
  String tokenService;
  /** The folder of the htpasswd file written for users in code; deleted at close. */
  Path usersDir;

  boolean https() {
    return keyStore != null || generated != null;
  }

  void generateCertificate() {
    generated = TlsCertificate.selfSigned();
    keyStore = generated.keyStore();
    keyStorePassword = TlsCertificate.PASSWORD.clone();
  }

  static KeyStore trustStore(Collection<X509Certificate> cas) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate ca : cas) {
        store.setCertificateEntry("ca-" + i++, ca);
      }
      return store;
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot hold these CA certificates: " + e, e);
    }
  }

  /**
   * The access controller for the servlet: the given setup's, or one built from the users given in
   * code (HTTP Basic, or the built-in token server), or {@code fallback} (open by default);
   * a fallback other than open beside either is refused, as two seams cannot both decide.
   */
  AccessController resolve(AccessController fallback) {
    if (fallback != AccessController.ALLOW_ALL && (auth != null || !users.isEmpty())) {
      throw new IllegalStateException("access(...) and auth(...)/user(...) both set");
    }
    if (auth == null && !users.isEmpty()) {
      try {
        usersDir = Files.createTempDirectory("berth-users");
        Path file = HtpasswdWriter.write(usersDir.resolve("htpasswd"), users);
        AuthConfig config = tokenService == null ? AuthConfig.htpasswd("Berth", file)
            : AuthConfig.tokenServer(TokenServerConfig.builder(tokenService, file).build());
        auth = AuthSetup.build(clientCas != null ? config.withCertificateUsers() : config,
            Clock.systemUTC());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the users' htpasswd file", e);
      }
    } else if (auth == null && tokenService != null) {
      throw new IllegalStateException("the token server needs users: call user(name, password)");
    }
    return auth == null ? fallback : auth.accessController();
  }

  Optional<AuthSetup.TokenEndpoint> tokenEndpoint() {
    return auth == null ? Optional.empty() : auth.tokenEndpoint();
  }

  void deleteUsers() {
    if (usersDir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(usersDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // A temporary folder: the OS cleans up what is left.
    }
    usersDir = null;
  }

  static List<String> protocols(boolean http2) {
    return http2 ? List.of("h2", "http/1.1") : List.of("http/1.1");
  }
}
