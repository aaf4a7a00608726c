package dev.berth.registry.storage;

class InMemoryStorageTest extends StorageContract {
  @Override
  protected Storage create() {
    return InMemoryStorage.create();
  }
}
