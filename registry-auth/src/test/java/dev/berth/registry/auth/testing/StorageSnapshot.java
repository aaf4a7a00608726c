package dev.berth.registry.auth.testing;

import dev.berth.registry.oci.Digest;
import dev.berth.registry.storage.Storage;
import java.util.Map;
import java.util.TreeMap;

/** Every object of a storage with its size, time and content digest: "nothing stored" checks. */
public record StorageSnapshot(Map<String, String> objects) {

  public static StorageSnapshot of(Storage storage) {
    Map<String, String> objects = new TreeMap<>();
    storage.walk("", entry -> objects.put(entry.path(), entry.size() + " " + entry.modified()
        + " " + Digest.sha256(storage.read(entry.path()))));
    return new StorageSnapshot(objects);
  }
}
