package dev.berth.launcher;

import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.seam.AuthConfig;
import dev.berth.registry.auth.seam.AuthSetup;
import dev.berth.registry.auth.seam.TokenServerConfig;
import dev.berth.registry.auth.token.TokenAuthConfig;
import dev.berth.registry.servlet.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The launcher's {@code auth.*} and {@code http.tls.clientCas} settings made into registry-auth's
 * {@link AuthSetup} and the client CAs, before the address is bound: every file is read here, and
 * what cannot be used is a problem naming its key (exit 2), never a half-protected registry.
 * The settings' combinations were checked already ({@code AuthChecks}); the mode follows from
 * which keys are set: {@code auth.token.*} (an external token server), {@code auth.htpasswd.path}
 * with {@code auth.tokenServer.enabled} (Berth's own), {@code auth.htpasswd.path} alone (Basic),
 * only {@code http.tls.clientCas} (the certificate's CN is the user), or none.
 */
final class AuthStart {
  private AuthStart() {}

  /** The keys that name files, read (and so checked) at start when set. */
  private static final List<String> FILES = List.of("auth.htpasswd.path",
      "auth.token.rootcertbundle", "auth.token.jwks", "auth.policy");

  /** The setup, or null when a problem was added. */
  static AuthSetup setup(Settings settings, boolean clientCertificates,
      List<Settings.Problem> problems) {
    int before = problems.size();
    for (String key : FILES) {
      String value = settings.get(key);
      if (!value.isBlank()) {
        readable(settings, key, value, problems);
      }
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      return AuthSetup.build(config(settings, clientCertificates), Clock.systemUTC());
    } catch (AuthConfigException | IllegalArgumentException e) {
      problems.add(settings.problem(keyOf(settings, e.getMessage()), e.getMessage()));
      return null;
    }
  }

  static AuthConfig config(Settings s, boolean clientCertificates) {
    Optional<Path> policy = file(s, "auth.policy");
    AuthConfig config;
    if (!s.get("auth.token.realm").isBlank()) {
      config = AuthConfig.token(TokenAuthConfig.builder().realm(s.get("auth.token.realm").trim())
          .service(s.get("auth.token.service").trim()).issuer(s.get("auth.token.issuer").trim())
          .rootCertBundle(file(s, "auth.token.rootcertbundle").orElse(null))
          .jwks(file(s, "auth.token.jwks").orElse(null)).build());
    } else if (s.bool("auth.tokenServer.enabled")) {
      TokenServerConfig.Builder server = TokenServerConfig.builder(
          s.get("auth.tokenServer.service").trim(), file(s, "auth.htpasswd.path").orElseThrow())
          .issuer(s.get("auth.tokenServer.issuer").trim())
          .path(s.get("auth.tokenServer.path").trim())
          .tokenLifetime(s.duration("auth.tokenServer.lifetime"))
          .basicRealm(s.get("auth.htpasswd.realm"));
      file(s, "auth.tokenServer.key").ifPresent(server::key);
      String realm = s.get("auth.tokenServer.realm").trim();
      if (!realm.isEmpty()) {
        server.realm(realm);
      }
      config = AuthConfig.tokenServer(server.build());
    } else if (!s.get("auth.htpasswd.path").isBlank()) {
      config = AuthConfig.htpasswd(s.get("auth.htpasswd.realm"),
          file(s, "auth.htpasswd.path").orElseThrow());
      if (clientCertificates) {
        config = config.withCertificateUsers();
      }
    } else if (clientCertificates) {
      // Every connection carries a verified certificate: its CN is the container's principal.
      config = AuthConfig.container(Optional.empty());
    } else {
      config = AuthConfig.none();
    }
    if (policy.isPresent()) {
      config = config.withPolicy(policy.get());
    }
    return s.bool("auth.anonymousPull") ? config.withAnonymousPull() : config;
  }

  /** The CA certificates of {@code http.tls.clientCas}; empty when unset or unreadable. */
  static List<X509Certificate> clientCas(Settings settings, List<Settings.Problem> problems) {
    List<X509Certificate> cas = new ArrayList<>();
    for (String name : settings.list("http.tls.clientCas")) {
      try (InputStream in = Files.newInputStream(Path.of(name))) {
        int before = cas.size();
        CertificateFactory.getInstance("X.509").generateCertificates(in)
            .forEach(c -> cas.add((X509Certificate) c));
        if (cas.size() == before) {
          problems.add(settings.problem("http.tls.clientCas", name + ": no PEM certificate"));
        }
      } catch (IOException | InvalidPathException e) {
        problems.add(settings.problem("http.tls.clientCas", name + ": cannot read it: "
            + (e instanceof IOException io ? OsReasons.of(io) : e.getMessage())));
      } catch (CertificateException e) {
        problems.add(settings.problem("http.tls.clientCas", name + ": not PEM certificates: "
            + e.getMessage()));
      }
    }
    return cas;
  }

  private static Optional<Path> file(Settings s, String key) {
    String v = s.get(key).trim();
    return v.isEmpty() ? Optional.empty() : Optional.of(Path.of(v));
  }

  private static void readable(Settings s, String key, String value,
      List<Settings.Problem> problems) {
    try {
      Path p = Path.of(value.trim());
      if (!Files.isRegularFile(p)) {
        problems.add(s.problem(key, Files.exists(p) ? "not a file" : "no such file"));
      } else if (!Files.isReadable(p)) {
        problems.add(s.problem(key, "cannot read it: permission denied"));
      }
    } catch (InvalidPathException e) {
      problems.add(s.problem(key, "not a path: " + e.getReason()));
    }
  }

  /** The key whose file or value a registry-auth message names; else the mode's main key. */
  private static String keyOf(Settings s, String message) {
    for (String key : List.of("auth.policy", "auth.token.rootcertbundle", "auth.token.jwks",
        "auth.tokenServer.key", "auth.htpasswd.path")) {
      String v = s.get(key).trim();
      if (!v.isEmpty() && message.contains(v)) {
        return key;
      }
    }
    if (!s.get("auth.token.realm").isBlank()) {
      // "the configured bundle and JWKS hold none": the files are the thing to fix.
      return !s.get("auth.token.rootcertbundle").isBlank() ? "auth.token.rootcertbundle"
          : !s.get("auth.token.jwks").isBlank() ? "auth.token.jwks" : "auth.token.realm";
    }
    return s.bool("auth.tokenServer.enabled") ? "auth.tokenServer.enabled" : "auth.htpasswd.path";
  }
}
