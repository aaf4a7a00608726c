package dev.berth.registry.layout;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.ObjectNotFoundException;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.storage.StorageEntry;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Link files: a digest string, no newline (registry:2's format; a trailing newline is tolerated). */
public final class Links {
  private Links() {}

  /**
   * The repository's link to a blob: its layer link, or for a manifest its revision link; empty
   * when the blob is not visible in the repository. One HEAD each on S3 ({@code statObject}).
   */
  public static Optional<StorageEntry> find(Storage storage, RepositoryName repository,
      Digest digest) {
    return storage.statObject(StoragePaths.layerLink(repository, digest))
        .or(() -> storage.statObject(StoragePaths.revisionLink(repository, digest)));
  }

  public static Optional<Digest> read(Storage storage, String path) {
    byte[] bytes;
    try {
      bytes = storage.read(path);
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
    String text = new String(bytes, StandardCharsets.UTF_8).trim();
    return Optional.ofNullable(Digest.tryParse(text));
  }

  public static void write(Storage storage, String path, Digest digest) {
    storage.write(path, bytes(digest));
  }

  /** A link that a rebuild can restore (a tag's history): written without waiting for the disk. */
  public static void writeUnflushed(Storage storage, String path, Digest digest) {
    storage.write(path, bytes(digest), false);
  }

  public static byte[] bytes(Digest digest) {
    return digest.toString().getBytes(StandardCharsets.UTF_8);
  }
}
