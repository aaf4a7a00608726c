package dev.berth.registry.storage;

/**
 * A write failed because the storage has no room left (the file system said "No space left on
 * device" or "Disk quota exceeded"; an object store said its quota is exceeded). Nothing partial
 * became visible; reads keep working.
 */
public class StorageFullException extends StorageException {
  private static final long serialVersionUID = 1L;

  public StorageFullException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether an I/O failure is the operating system saying the disk or a quota is full. */
  static boolean isNoSpace(java.io.IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String reason = t instanceof java.nio.file.FileSystemException fse ? fse.getReason()
          : t.getMessage();
      if (reason != null && (reason.contains("No space left on device")
          || reason.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** The exception for a failed storage operation: typed when the disk is full. */
  static StorageException of(String operation, java.io.IOException e) {
    return isNoSpace(e)
        ? new StorageFullException(operation + ": the storage is full (" + e.getMessage() + ")", e)
        : new StorageException(operation, e);
  }
}
