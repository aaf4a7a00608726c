package dev.berth.registry.storage;

import java.time.Clock;

class InMemoryStorageTest extends StorageContract {
  @Override
  protected Storage create(Clock clock) {
    return InMemoryStorage.create(clock);
  }
}
