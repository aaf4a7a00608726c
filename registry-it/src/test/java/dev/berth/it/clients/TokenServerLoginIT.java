package dev.berth.it.clients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LoginClients} against Berth's own token server: the clients follow the Bearer challenge
 * to {@code /auth/token} on the same origin, log in there with the htpasswd user, and send the
 * token (containers/image tries the OAuth2 POST form first).
 */
class TokenServerLoginIT extends LoginClients {

  @TempDir
  static Path dir;

  @BeforeAll
  static void startBerth() throws Exception {
    start(dir, "--token-server", "--token-server-key", dir.resolve("token.key").toString());
  }

  @Override
  String[] anonymousPullFlags() {
    return new String[] {"--token-server", "--anonymous-pull"};
  }

  /**
   * An SDK bug, not Berth's: ORAS Java SDK 0.7.0 requests a token through its ordinary request
   * path, which attaches a Bearer token from its static token cache when one matches the scopes.
   * Seen on the wire (scheme only): {@code GET /auth/token} with Basic for
   * {@code repository:login/oras:pull}, then with Basic for {@code ...:pull,push} (both granted
   * and cached); then a later 401 from the registry makes a layer worker refresh, and its
   * {@code GET /auth/token?scope=repository:login/oras:pull,push&service=berth} carries
   * {@code Authorization: Bearer <the cached token>} instead of the credentials. The token
   * server authenticates with Basic only, as distribution's does and its token spec describes
   * ("only supports Basic Authentication to these token servers"; a failed attempt gets 401),
   * so it answers 401 {@code Basic realm="Berth"}, and the SDK cannot parse a non-Bearer
   * challenge ("Invalid WWW-Authenticate header"). Reported as oras-project/oras-java#846, fixed
   * by #847 in 0.8.3 (a token refresh no longer uses the cache); enable this with that SDK. The
   * same SDK logs in with HTTP Basic ({@link HtpasswdLoginIT}).
   */
  @Override
  @Test
  @org.junit.jupiter.api.Disabled("ORAS Java SDK 0.7.0 sends its cached Bearer token, not the"
      + " credentials, to the token endpoint (oras-java#846, fixed in 0.8.3); Berth answers 401"
      + " Basic as distribution's token server does")
  void orasJavaSdkWithCredentials() {
  }

  @Test
  void theStartLineNamesTheTokenServer() {
    assertTrue(berth.output().contains("berth: access: built-in token server at <origin>"
        + "/auth/token"), berth::output);
  }
}
