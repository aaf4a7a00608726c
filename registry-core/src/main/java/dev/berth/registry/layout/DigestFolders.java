package dev.berth.registry.layout;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.Storage;
import java.util.function.Consumer;

/**
 * The walks over folders named by digests: {@code <alg>/<hex>} (revisions, layer links) and the
 * blob store's {@code <alg>/<hh>/<hex>}. Names that are not digests (a stray file, a half-made
 * folder of another tool) are skipped.
 */
public final class DigestFolders {
  private DigestFolders() {}

  /** Visits the digest of every {@code <root>/<alg>/<hex>} folder. */
  public static void forEach(Storage storage, String root, Consumer<Digest> visitor) {
    for (String algorithm : storage.list(root)) {
      for (String encoded : storage.list(root + "/" + algorithm)) {
        Digest digest = Digest.tryParse(algorithm + ":" + encoded);
        if (digest != null) {
          visitor.accept(digest);
        }
      }
    }
  }

  /** Visits the digest of every blob folder {@code blobs/<alg>/<hh>/<hex>}. */
  public static void forEachBlob(Storage storage, Consumer<Digest> visitor) {
    for (String algorithm : storage.list(StoragePaths.BLOBS)) {
      String algorithmDir = StoragePaths.BLOBS + "/" + algorithm;
      for (String prefix : storage.list(algorithmDir)) {
        for (String encoded : storage.list(algorithmDir + "/" + prefix)) {
          Digest digest = Digest.tryParse(algorithm + ":" + encoded);
          if (digest != null) {
            visitor.accept(digest);
          }
        }
      }
    }
  }
}
