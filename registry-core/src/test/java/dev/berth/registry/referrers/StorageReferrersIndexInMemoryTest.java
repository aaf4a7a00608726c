package dev.berth.registry.referrers;

import dev.berth.registry.storage.InMemoryStorage;
import dev.berth.registry.storage.Storage;

/** The storage-backed index on heap storage, with a tiny cache so that eviction is exercised. */
class StorageReferrersIndexInMemoryTest extends ReferrersIndexContract {
  private Storage storage;

  @Override
  protected ReferrersIndex create() {
    storage = InMemoryStorage.create();
    return new StorageReferrersIndex(storage, 5);
  }

  @Override
  protected ReferrersIndex secondInstance() {
    return new StorageReferrersIndex(storage, 1_000);
  }
}
