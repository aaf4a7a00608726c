package dev.berth.junit5.content;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.berth.registry.oci.MediaTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * An image of random layers: {@code content.image("app").layers(3, 1024).tag("v1").push()}.
 *
 * <p>Layers are random bytes of exactly the sizes asked for, not tar archives: a registry and the
 * clients that copy images (Jib, skopeo, crane) never look inside, a container runtime would. The
 * config names the platform and, as {@code diff_ids}, the layers' digests. One layer of 1 KiB,
 * OCI media types, {@code linux/amd64} unless told otherwise.
 */
public final class ImageBuilder {

  static final String DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip";

  private final Transport transport;
  private final String repository;
  private List<Integer> layerSizes = List.of(1024);
  private boolean docker;
  private String platform = "linux/amd64";
  private final List<String> tags = new ArrayList<>();
  private final Map<String, String> annotations = new LinkedHashMap<>();
  private Random random = new Random();
  private String layerMediaType;

  ImageBuilder(Transport transport, String repository) {
    this.transport = transport;
    this.repository = Objects.requireNonNull(repository, "repository");
  }

  /** {@code count} layers of {@code size} bytes each. */
  public ImageBuilder layers(int count, int size) {
    if (count < 0 || size < 0) {
      throw new IllegalArgumentException("layers(" + count + ", " + size + ")");
    }
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sizes.add(size);
    }
    layerSizes = List.copyOf(sizes);
    return this;
  }

  /** One layer per size, in order. */
  public ImageBuilder layerSizes(int... sizes) {
    List<Integer> list = new ArrayList<>();
    for (int s : sizes) {
      if (s < 0) {
        throw new IllegalArgumentException("negative layer size " + s);
      }
      list.add(s);
    }
    layerSizes = List.copyOf(list);
    return this;
  }

  /** Docker schema 2 media types (manifest, config, layers) instead of OCI's. */
  public ImageBuilder docker() {
    docker = true;
    return this;
  }

  /** The layers' media type (by default OCI's or Docker's gzip layer type). */
  public ImageBuilder layerMediaType(String mediaType) {
    layerMediaType = Objects.requireNonNull(mediaType, "mediaType");
    return this;
  }

  /** {@code os/architecture[/variant]}, e.g. {@code linux/arm64/v8}. */
  public ImageBuilder platform(String platform) {
    if (platform.split("/").length < 2) {
      throw new IllegalArgumentException("a platform is os/architecture[/variant]: " + platform);
    }
    this.platform = platform;
    return this;
  }

  /** Pushes the manifest under these tags too (else by digest only). */
  public ImageBuilder tag(String... tags) {
    this.tags.addAll(List.of(tags));
    return this;
  }

  /** A manifest annotation (OCI images only). */
  public ImageBuilder annotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  /** The same bytes on every run. */
  public ImageBuilder seed(long seed) {
    random = new Random(seed);
    return this;
  }

  /** Pushes the blobs, then the manifest (under each tag, or by digest). */
  public PushedImage push() {
    if (docker && !annotations.isEmpty()) {
      throw new IllegalStateException("Docker manifests have no annotations");
    }
    String layerType = layerMediaType != null ? layerMediaType
        : docker ? DOCKER_LAYER : MediaTypes.OCI_LAYER_TAR_GZIP;
    List<Blob> layers = new ArrayList<>();
    for (int size : layerSizes) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      layers.add(new Blob(Json.sha256(bytes), layerType, bytes));
    }
    Blob config = config(layers);
    JsonObject manifest = new JsonObject();
    manifest.addProperty("schemaVersion", 2);
    String mediaType = docker ? MediaTypes.DOCKER_MANIFEST : MediaTypes.OCI_MANIFEST;
    manifest.addProperty("mediaType", mediaType);
    manifest.add("config", Json.descriptor(config));
    JsonArray layerArray = new JsonArray();
    layers.forEach(l -> layerArray.add(Json.descriptor(l)));
    manifest.add("layers", layerArray);
    if (!annotations.isEmpty()) {
      manifest.add("annotations", Json.annotations(annotations));
    }
    byte[] bytes = Json.bytes(manifest);
    String digest = Json.sha256(bytes);
    transport.putBlob(repository, config.digest(), config.bytes());
    for (Blob layer : layers) {
      transport.putBlob(repository, layer.digest(), layer.bytes());
    }
    putManifest(transport, repository, digest, mediaType, bytes, tags);
    return new PushedImage(repository, digest, mediaType, bytes, tags, platform, config, layers);
  }

  private Blob config(List<Blob> layers) {
    String[] p = platform.split("/");
    JsonObject config = new JsonObject();
    config.addProperty("architecture", p[1]);
    config.addProperty("os", p[0]);
    if (p.length > 2) {
      config.addProperty("variant", p[2]);
    }
    config.add("config", new JsonObject());
    JsonObject rootfs = new JsonObject();
    rootfs.addProperty("type", "layers");
    JsonArray diffIds = new JsonArray();
    layers.forEach(l -> diffIds.add(l.digest()));
    rootfs.add("diff_ids", diffIds);
    config.add("rootfs", rootfs);
    byte[] bytes = Json.bytes(config);
    return new Blob(Json.sha256(bytes), docker ? MediaTypes.DOCKER_CONFIG : MediaTypes.OCI_CONFIG,
        bytes);
  }

  /** Under each tag, or by digest when there is none. */
  static void putManifest(Transport transport, String repository, String digest,
      String mediaType, byte[] bytes, List<String> tags) {
    if (tags.isEmpty()) {
      transport.putManifest(repository, digest, mediaType, bytes);
    }
    for (String tag : tags) {
      transport.putManifest(repository, tag, mediaType, bytes);
    }
  }
}
