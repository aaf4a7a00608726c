package dev.berth.registry.auth.seam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.Registry;
import dev.berth.registry.auth.testing.AuthTestServer;
import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import java.net.URI;
import java.util.Optional;

/** A mount answered 202 must have mounted nothing: the target does not hold the blob. */
final class Mounts {

  private Mounts() {}

  static void assertNothingMounted(AuthTestServer server, Registry registry, String mountPath) {
    String query = URI.create("http://x" + mountPath).getQuery();
    String digest = null;
    for (String pair : query.split("&")) {
      if (pair.startsWith("mount=")) {
        digest = pair.substring("mount=".length());
      }
    }
    assertEquals(Optional.empty(), registry.blobs().stat(RepositoryName.parse("team/copy"),
        Digest.parse(digest)), "a refused mount source revealed its blob");
  }
}
