package dev.berth.registry.referrers;

import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;

/** The storage-backed index on heap storage, with a cache of a few entries
 * (2,000 bytes) so that eviction is exercised. */
class StorageReferrersIndexInMemoryTest extends ReferrersIndexContract {
  private Storage storage;

  @Override
  protected ReferrersIndex create() {
    storage = InMemoryStorage.create();
    return new StorageReferrersIndex(storage, 2_000);
  }

  @Override
  protected ReferrersIndex secondInstance() {
    return new StorageReferrersIndex(storage, 400_000);
  }
}
