package dev.berth.registry.referrers;

import dev.berth.registry.storage.FileSystemStorage;
import dev.berth.registry.storage.Storage;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The storage-backed index on a directory; a second instance on the same directory shares it. */
class StorageReferrersIndexTest extends ReferrersIndexContract {
  @TempDir
  Path root;

  private Storage storage;

  @Override
  protected ReferrersIndex create() {
    storage = FileSystemStorage.at(root);
    return new StorageReferrersIndex(storage);
  }

  @Override
  protected ReferrersIndex secondInstance() {
    return new StorageReferrersIndex(FileSystemStorage.at(root));
  }
}
