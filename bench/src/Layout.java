import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes registry:2's on-disk layout under {@code <root>/docker/registry/v2}. */
final class Layout {
  final Path v2;

  Layout(Path root) {
    this.v2 = root.resolve("docker/registry/v2");
  }

  /** Stores the bytes as a blob (once); returns the digest. */
  String blob(byte[] data) throws IOException {
    String hex = Util.sha256Hex(data);
    Path file = blobPath(hex);
    if (!Files.exists(file)) {
      write(file, data);
    }
    return "sha256:" + hex;
  }

  Path blobPath(String hex) {
    return v2.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
  }

  Path repository(String name) {
    return v2.resolve("repositories/" + name);
  }

  void layerLink(String repository, String digest) throws IOException {
    write(repository(repository).resolve("_layers/sha256/" + hex(digest) + "/link"),
        digest.getBytes(StandardCharsets.UTF_8));
  }

  void revision(String repository, String digest) throws IOException {
    write(repository(repository).resolve("_manifests/revisions/sha256/" + hex(digest) + "/link"),
        digest.getBytes(StandardCharsets.UTF_8));
  }

  void tag(String repository, String tag, String digest) throws IOException {
    Path dir = repository(repository).resolve("_manifests/tags/" + tag);
    write(dir.resolve("current/link"), digest.getBytes(StandardCharsets.UTF_8));
    write(dir.resolve("index/sha256/" + hex(digest) + "/link"),
        digest.getBytes(StandardCharsets.UTF_8));
  }

  static String hex(String digest) {
    return digest.substring("sha256:".length());
  }

  /** Writes a file unless it exists (so a data set can be written again to restore it). */
  static void write(Path file, byte[] data) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    Files.createDirectories(file.getParent());
    Files.write(file, data);
  }
}
