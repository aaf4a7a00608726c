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
   * Not yet: the ORAS Java SDK 0.7.0 fetches its first token (pull) on the calling thread with
   * alice's Basic credentials, but the push scope's token request from its layer-transfer worker
   * gets 401 {@code Basic realm="Berth"} from the token server, and the SDK then fails on that
   * challenge ("Invalid WWW-Authenticate header": its pattern wants a Bearer challenge). Seen
   * with its debug log; which header the worker sends is not established yet
   * (docs/compatibility.md). The same SDK logs in with HTTP Basic ({@link HtpasswdLoginIT}).
   */
  @Override
  @Test
  @org.junit.jupiter.api.Disabled("ORAS Java SDK 0.7.0's worker-thread token request is refused"
      + " by the built-in token server; see docs/compatibility.md")
  void orasJavaSdkWithCredentials() {
  }

  @Test
  void theStartLineNamesTheTokenServer() {
    assertTrue(berth.output().contains("berth: access: built-in token server at <origin>"
        + "/auth/token"), berth::output);
  }
}
