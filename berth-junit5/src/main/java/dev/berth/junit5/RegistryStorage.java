package dev.berth.junit5;

/** Where a test registry keeps its content. */
public enum RegistryStorage {
  /** In the heap: the fastest; gone when the registry is reset or closed. */
  MEMORY,
  /**
   * In a temporary directory, in the registry:2 on-disk layout, deleted when the registry is reset
   * or closed. Writes are not flushed to the disk (a test does not survive a power cut anyway).
   */
  TEMP_DIR
}
