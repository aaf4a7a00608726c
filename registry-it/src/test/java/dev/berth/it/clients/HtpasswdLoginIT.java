package dev.berth.it.clients;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** {@link LoginClients} against HTTP Basic with the htpasswd file. */
class HtpasswdLoginIT extends LoginClients {

  @TempDir
  static Path dir;

  @BeforeAll
  static void startBerth() throws Exception {
    start(dir);
  }

  @Override
  String[] anonymousPullFlags() {
    return new String[] {"--anonymous-pull"};
  }
}
