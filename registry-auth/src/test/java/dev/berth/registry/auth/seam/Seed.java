package dev.berth.registry.auth.seam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import java.nio.charset.StandardCharsets;

/**
 * What every row of the table starts from, pushed over HTTP while the registry is open:
 * {@code team/app} with an image tagged {@code v1} and {@code old}, a referrer of it and an open
 * upload session; {@code secret/app}, {@code public/lib} and {@code other/thing} with an image
 * each; plus what the row may push ({@code m2}, a new blob).
 */
record Seed(Digest layer, long layerSize, Digest m1, Digest referrer, byte[] m1Bytes,
    byte[] m2Bytes, Digest secretLayer, String session, byte[] newBlob) {

  static final String ARTIFACT_TYPE = "application/vnd.example.signature";

  static Seed push(RegistryClient c) {
    byte[] layer = "team layer".getBytes(StandardCharsets.UTF_8);
    Digest layerDigest = c.pushBlob("team/app", layer);
    byte[] m1 = RegistryClient.smallManifest(layerDigest, layer.length, "m1", null, null);
    put(c, "team/app", "v1", m1);
    put(c, "team/app", "old", m1);
    Digest m1Digest = Digest.sha256(m1);
    byte[] sig = RegistryClient.smallManifest(layerDigest, layer.length, "sig", m1Digest,
        ARTIFACT_TYPE);
    Digest sigDigest = Digest.sha256(sig);
    put(c, "team/app", sigDigest.toString(), sig);
    byte[] m2 = RegistryClient.smallManifest(layerDigest, layer.length, "m2", null, null);
    Digest secret = c.pushBlob("secret/app", "secret layer".getBytes(StandardCharsets.UTF_8));
    put(c, "secret/app", "s", RegistryClient.smallManifest(secret, 12, "s", null, null));
    c.pushSmallImage("public/lib", "v1", "public");
    c.pushSmallImage("other/thing", "v1", "other");
    String session = RegistryClient.pathAndQuery(c.startUpload("team/app").header("Location"));
    return new Seed(layerDigest, layer.length, m1Digest, sigDigest, m1, m2, secret, session,
        "a new blob".getBytes(StandardCharsets.UTF_8));
  }

  private static void put(RegistryClient c, String repository, String reference, byte[] body) {
    assertEquals(201, c.putManifest(repository, reference, MediaTypes.OCI_MANIFEST, body)
        .status());
  }

  /** The upload session's path with {@code digest=} of the new blob appended. */
  String sessionClosing() {
    return RegistryClient.withQuery(session, "digest=" + Digest.sha256(newBlob));
  }
}
