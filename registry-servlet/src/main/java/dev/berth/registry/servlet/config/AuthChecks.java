package dev.berth.registry.servlet.config;

import java.util.List;

/**
 * The launcher's authentication and client-certificate settings checked together, before anything
 * is read or bound: which mode they amount to, and what that mode is missing or cannot combine.
 * Each problem names the key an operator should change. The files themselves are read at start
 * (the launcher's start checks), not here.
 */
final class AuthChecks {
  private AuthChecks() {}

  /** The external token server's keys; any one set asks for token authentication. */
  static final List<String> TOKEN_KEYS = List.of("auth.token.realm", "auth.token.service",
      "auth.token.issuer", "auth.token.rootcertbundle", "auth.token.jwks");

  static void check(Settings s, List<Settings.Problem> problems) {
    boolean htpasswd = set(s, "auth.htpasswd.path");
    boolean tokenServer = s.bool("auth.tokenServer.enabled");
    boolean token = TOKEN_KEYS.stream().anyMatch(k -> set(s, k));
    boolean tls = set(s, "http.tls.certificate");
    boolean clientCertificates = !s.list("http.tls.clientCas").isEmpty();
    if (token) {
      for (String k : List.of("auth.token.realm", "auth.token.service", "auth.token.issuer")) {
        if (!set(s, k)) {
          problems.add(s.problem(k, "token authentication needs auth.token.realm,"
              + " auth.token.service and auth.token.issuer"));
        }
      }
      if (!set(s, "auth.token.rootcertbundle") && !set(s, "auth.token.jwks")) {
        problems.add(s.problem("auth.token.rootcertbundle", "token authentication needs the"
            + " keys tokens are signed with: auth.token.rootcertbundle or auth.token.jwks"));
      }
      if (htpasswd || tokenServer) {
        problems.add(s.problem(tokenServer ? "auth.tokenServer.enabled" : "auth.htpasswd.path",
            "an external token server (auth.token.*) decides who is who; choose it or "
                + (tokenServer ? "Berth's own token server" : "htpasswd")));
      }
      if (s.bool("auth.anonymousPull")) {
        problems.add(s.problem("auth.anonymousPull", "with an external token server, that server"
            + " decides which anonymous tokens it issues"));
      }
    }
    if (tokenServer && !htpasswd) {
      problems.add(s.problem("auth.tokenServer.enabled", "the token server needs its users:"
          + " set auth.htpasswd.path"));
    }
    if (!tokenServer) {
      for (String k : List.of("auth.tokenServer.key", "auth.tokenServer.realm")) {
        if (set(s, k)) {
          problems.add(s.problem(k, "applies only with auth.tokenServer.enabled=true"));
        }
      }
    }
    boolean mode = htpasswd || token || clientCertificates;
    if (!mode && set(s, "auth.policy")) {
      problems.add(s.problem("auth.policy", "a policy needs users: set auth.htpasswd.path,"
          + " auth.token.* or http.tls.clientCas"));
    }
    if (!htpasswd && s.bool("auth.anonymousPull") && !token) {
      problems.add(s.problem("auth.anonymousPull", "without authentication everyone may pull"
          + " (and push) already; set auth.htpasswd.path to make pushing need a user"));
    }
    if (clientCertificates && !tls) {
      problems.add(s.problem("http.tls.clientCas", "client certificates need HTTPS: set"
          + " http.tls.certificate and http.tls.key"));
    }
    if (tokenServer && set(s, "http.prefix") && !set(s, "auth.tokenServer.realm")) {
      problems.add(s.problem("auth.tokenServer.realm", "with http.prefix the token server is"
          + " served under the prefix: set its absolute URL here"));
    }
    String path = s.get("auth.tokenServer.path").trim();
    if (tokenServer && (path.isEmpty() || path.equals("/v2") || path.startsWith("/v2/"))) {
      problems.add(s.problem("auth.tokenServer.path", "must be a path outside /v2/"));
    }
  }

  private static boolean set(Settings s, String key) {
    return !s.get(key).isBlank();
  }
}
