package dev.berth.registry.oci;

import java.util.Locale;
import java.util.Set;

/** The media types Berth gives meaning to. Anything else in a layer or config is accepted as opaque. */
public final class MediaTypes {
  private MediaTypes() {}

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_EMPTY = "application/vnd.oci.empty.v1+json";
  public static final String OCI_LAYER_TAR_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  /** Image-spec 1.1.0-rc1/rc2 only; accepted and treated like the ORAS artifact manifest. */
  public static final String OCI_ARTIFACT_MANIFEST = "application/vnd.oci.artifact.manifest.v1+json";
  public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json";
  public static final String DOCKER_SCHEMA1_SIGNED =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";
  public static final String ORAS_ARTIFACT_MANIFEST =
      "application/vnd.cncf.oras.artifact.manifest.v1+json";

  /** Every manifest type Berth stores. */
  public static final Set<String> MANIFESTS = Set.of(OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST,
      DOCKER_MANIFEST_LIST, ORAS_ARTIFACT_MANIFEST, OCI_ARTIFACT_MANIFEST);

  public static boolean isManifest(String mediaType) {
    return mediaType != null && MANIFESTS.contains(mediaType);
  }

  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  /**
   * The bare type of a {@code Content-Type} value: parameters and surrounding blanks removed, lower
   * case. {@code "application/vnd.oci.image.manifest.v1+json; charset=utf-8"} becomes the type alone.
   */
  public static String bare(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    String type = semicolon >= 0 ? contentType.substring(0, semicolon) : contentType;
    return type.trim().toLowerCase(Locale.ROOT);
  }
}
