package dev.berth.launcher;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * The operating system's reason for a failed file or socket operation, in its own words
 * ("permission denied", "address already in use"): Java's exceptions carry it as a type or a
 * message, and often only the path.
 */
final class OsReasons {
  private OsReasons() {}

  static String of(Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null && !(t instanceof FileSystemException)
        && !(t instanceof BindException)
        && !(t instanceof java.nio.channels.UnresolvedAddressException)) {
      t = t.getCause();
    }
    if (t instanceof java.nio.channels.UnresolvedAddressException) {
      return "no such host";
    }
    if (t instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (t instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (t instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (t instanceof FileAlreadyExistsException) {
      return "file exists";
    }
    if (t instanceof FileSystemException fs && fs.getReason() != null) {
      return lower(fs.getReason());
    }
    if (t instanceof IOException && t.getMessage() != null) {
      return lower(t.getMessage());
    }
    return String.valueOf(t);
  }

  private static String lower(String reason) {
    String r = reason.trim();
    // "Address already in use (Bind failed)" and the like: the system's words, without Java's.
    int paren = r.indexOf(" (");
    if (paren > 0) {
      r = r.substring(0, paren);
    }
    return r.isEmpty() ? r : r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
  }
}
