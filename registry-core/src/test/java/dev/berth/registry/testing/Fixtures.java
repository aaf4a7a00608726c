package dev.berth.registry.testing;

import dev.berth.registry.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The byte-exact manifests and blobs that real clients pushed ({@code fixtures/README.md}), read
 * from the test class path. Never re-serialize them: their digests are of these exact bytes.
 */
public final class Fixtures {
  private Fixtures() {}

  public static final String OCI_MANIFEST = "oci-manifest.umoci-skopeo.json";
  public static final String OCI_MANIFEST_ARM64 = "oci-manifest-arm64.umoci-skopeo.json";
  public static final String OCI_CONFIG = "oci-config.umoci.json";
  public static final String OCI_CONFIG_ARM64 = "oci-config-arm64.umoci.json";
  public static final String LAYER = "layer-hello.umoci.tar.gz";
  public static final String DOCKER_MANIFEST = "docker-v2s2-manifest.skopeo.json";
  public static final String DOCKER_MANIFEST_ARM64 = "docker-v2s2-manifest-arm64.podman.json";
  public static final String OCI_INDEX = "oci-index.podman.json";
  public static final String DOCKER_LIST = "docker-manifest-list.podman.json";
  public static final String ORAS_JAVA_ARTIFACT = "oci-artifact-manifest.oras-java.json";
  public static final String ORAS_JAVA_SBOM = "sbom.oras-java.json";
  public static final String EMPTY_CONFIG = "empty-config.oci.json";
  public static final String ORAS_ARTIFACT = "oras-artifact-manifest.handbuilt.json";
  public static final String NOTARY_SIGNATURE = "notary-signature.handbuilt.jwt";
  public static final String COSIGN_MANIFEST = "cosign-signature-manifest.handbuilt.json";
  public static final String COSIGN_PAYLOAD = "cosign-simplesigning-payload.handbuilt.json";
  public static final String COSIGN_CONFIG = "cosign-signature-config.handbuilt.json";
  public static final String REFERRERS_TAG_INDEX = "referrers-tag-index.handbuilt.json";

  public static byte[] bytes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Digest digest(String name) {
    return Digest.sha256(bytes(name));
  }

  /** Copies every fixture into {@code dir} (for external programs and scripts). */
  public static Path copyAll(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String name : new String[] {OCI_MANIFEST, OCI_MANIFEST_ARM64, OCI_CONFIG,
        OCI_CONFIG_ARM64, LAYER, DOCKER_MANIFEST, DOCKER_MANIFEST_ARM64, OCI_INDEX, DOCKER_LIST,
        ORAS_JAVA_ARTIFACT, ORAS_JAVA_SBOM, EMPTY_CONFIG, ORAS_ARTIFACT, NOTARY_SIGNATURE,
        COSIGN_MANIFEST, COSIGN_PAYLOAD, COSIGN_CONFIG, REFERRERS_TAG_INDEX}) {
      Files.write(dir.resolve(name), bytes(name));
    }
    return dir;
  }
}
