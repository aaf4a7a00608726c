package dev.berth.launcher.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.MediaTypes;
import dev.berth.registry.servlet.testing.RegistryClient;
import dev.berth.registry.servlet.testing.RegistryClient.Response;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What the registry holds before the hostile rows run, so that each row has something to damage:
 * an image tagged {@code v1} in {@code hostile/app}, an upload session there with four bytes, a
 * session in another repository, and the id of a session that was completed.
 *
 * @param layer the image's one layer (also a blob to read ranges of)
 * @param manifest the image's manifest, tagged {@code v1}
 * @param manifestSize its size in bytes
 * @param session the open session's path ({@code /v2/hostile/app/blobs/uploads/<id>})
 * @param otherId the id of a session open in {@link #OTHER}
 * @param completedId the id of a session of {@link #REPO} that was completed
 */
public record Seed(byte[] layer, Digest layerDigest, Digest manifest, int manifestSize,
    String session, String otherId, String completedId) {

  public static final String REPO = "hostile/app";
  public static final String OTHER = "hostile/other";
  /** A repository nothing was ever pushed to: a rejected request must not create its folder. */
  public static final String FRESH = "hostile/fresh";

  public static Seed plant(RegistryClient client) {
    byte[] layer = new byte[1000];
    Arrays.fill(layer, (byte) 'L');
    Digest layerDigest = client.pushBlob(REPO, layer);
    byte[] manifest = RegistryClient.smallManifest(layerDigest, layer.length, "seed", null, null);
    Response put = client.putManifest(REPO, "v1", MediaTypes.OCI_MANIFEST, manifest);
    assertEquals(201, put.status(), put::toString);

    String session = RegistryClient.pathAndQuery(client.startUpload(REPO).header("Location"));
    session = session.substring(0, session.indexOf('?'));
    Response first = client.patch(session, "abcd".getBytes(StandardCharsets.US_ASCII),
        "Content-Range", "0-3", "Content-Type", "application/octet-stream");
    assertEquals(202, first.status(), first::toString);

    String other = client.startUpload(OTHER).header("Docker-Upload-UUID");

    String done = client.startUpload(REPO).header("Location");
    byte[] content = "completed".getBytes(StandardCharsets.US_ASCII);
    Response completed = client.put(RegistryClient.withQuery(done, "digest="
        + Digest.sha256(content)), content, "Content-Type", "application/octet-stream");
    assertEquals(201, completed.status(), completed::toString);
    String doneId = RegistryClient.pathAndQuery(done).replaceAll(".*/uploads/([^?]+).*", "$1");
    return new Seed(layer, layerDigest, Digest.sha256(manifest), manifest.length, session, other,
        doneId);
  }

  /** A valid OCI image manifest over the seed's layer, with the empty config. */
  public String validManifest() {
    return Manifests.manifest(Manifests.EMPTY_CONFIG, "[" + layerDescriptor() + "]");
  }

  /** The descriptor of the seed's layer, as JSON. */
  public String layerDescriptor() {
    return Manifests.descriptor("application/vnd.oci.image.layer.v1.tar",
        layerDigest.toString(), layer.length);
  }
}
