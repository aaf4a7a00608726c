package dev.berth.registry.storage;

/** Storage failed for a reason other than a missing object (I/O error, full disk, ...). */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
