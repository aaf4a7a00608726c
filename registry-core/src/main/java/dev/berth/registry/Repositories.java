package dev.berth.registry;

import dev.berth.registry.oci.ErrorCode;
import dev.berth.registry.oci.RegistryException;
import dev.berth.registry.oci.RepositoryName;
import dev.berth.registry.storage.Storage;
import dev.berth.registry.layout.StoragePaths;

/** Whether a repository exists: its folder holds one of registry:2's underscore folders. */
final class Repositories {
  private final Storage storage;

  Repositories(Storage storage) {
    this.storage = storage;
  }

  public boolean exists(RepositoryName name) {
    for (String child : storage.list(StoragePaths.repository(name))) {
      if (child.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  /** The error for a missing object: {@code NAME_UNKNOWN} when the repository itself is missing. */
  public RegistryException notFound(RepositoryName name, ErrorCode code, String message) {
    if (!exists(name)) {
      return new RegistryException(ErrorCode.NAME_UNKNOWN,
          "repository " + name + " is not known to this registry");
    }
    return new RegistryException(code, message);
  }
}
