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
 * A multi-platform image: one random image per platform and an index over them (an OCI image
 * index, or with {@link #docker()} a Docker manifest list):
 * {@code content.index("app").platforms("linux/amd64", "linux/arm64/v8").tag("v1").push()}.
 */
public final class IndexBuilder {

  private final Transport transport;
  private final String repository;
  private List<String> platforms = List.of("linux/amd64", "linux/arm64/v8");
  private int layers = 1;
  private int layerSize = 1024;
  private boolean docker;
  private final List<String> tags = new ArrayList<>();
  private final Map<String, String> annotations = new LinkedHashMap<>();
  private Long seed;

  IndexBuilder(Transport transport, String repository) {
    this.transport = transport;
    this.repository = Objects.requireNonNull(repository, "repository");
  }

  /** The platforms, {@code os/architecture[/variant]} each; two by default. */
  public IndexBuilder platforms(String... platforms) {
    if (platforms.length == 0) {
      throw new IllegalArgumentException("an index needs at least one platform");
    }
    this.platforms = List.of(platforms);
    return this;
  }

  /** Each platform's image has {@code count} layers of {@code size} bytes (one of 1 KiB). */
  public IndexBuilder layers(int count, int size) {
    this.layers = count;
    this.layerSize = size;
    return this;
  }

  /** A Docker manifest list of Docker images, instead of OCI. */
  public IndexBuilder docker() {
    docker = true;
    return this;
  }

  /** Pushes the index under these tags too (the images are pushed by digest). */
  public IndexBuilder tag(String... tags) {
    this.tags.addAll(List.of(tags));
    return this;
  }

  /** An index annotation (OCI only). */
  public IndexBuilder annotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  /** The same bytes on every run. */
  public IndexBuilder seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Pushes every platform's image, then the index. */
  public PushedIndex push() {
    if (docker && !annotations.isEmpty()) {
      throw new IllegalStateException("Docker manifest lists have no annotations");
    }
    Random random = seed == null ? new Random() : new Random(seed);
    List<PushedImage> images = new ArrayList<>();
    JsonArray manifests = new JsonArray();
    for (String platform : platforms) {
      ImageBuilder image = new ImageBuilder(transport, repository).platform(platform)
          .layers(layers, layerSize).seed(random.nextLong());
      if (docker) {
        image.docker();
      }
      PushedImage pushed = image.push();
      images.add(pushed);
      JsonObject entry = Json.descriptor(pushed);
      JsonObject p = new JsonObject();
      String[] parts = platform.split("/");
      p.addProperty("architecture", parts[1]);
      p.addProperty("os", parts[0]);
      if (parts.length > 2) {
        p.addProperty("variant", parts[2]);
      }
      entry.add("platform", p);
      manifests.add(entry);
    }
    String mediaType = docker ? MediaTypes.DOCKER_MANIFEST_LIST : MediaTypes.OCI_INDEX;
    JsonObject index = new JsonObject();
    index.addProperty("schemaVersion", 2);
    index.addProperty("mediaType", mediaType);
    index.add("manifests", manifests);
    if (!annotations.isEmpty()) {
      index.add("annotations", Json.annotations(annotations));
    }
    byte[] bytes = Json.bytes(index);
    String digest = Json.sha256(bytes);
    ImageBuilder.putManifest(transport, repository, digest, mediaType, bytes, tags);
    return new PushedIndex(repository, digest, mediaType, bytes, tags, images);
  }
}
