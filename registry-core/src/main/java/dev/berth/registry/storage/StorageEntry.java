package dev.berth.registry.storage;

import java.time.Instant;

/**
 * What {@link Storage#stat} and {@link Storage#walk} report about a path.
 *
 * @param path the full path
 * @param size bytes, 0 for a directory
 * @param modified the modification time the storage keeps (for a directory, as the store reports it)
 * @param directory whether the path is a directory (a prefix of other objects)
 */
public record StorageEntry(String path, long size, Instant modified, boolean directory) {}
