package dev.berth.registry.s3;

/**
 * Storage paths to object keys: the key of a path is the path under the root prefix, nothing
 * added, so that the bucket holds exactly registry:2's layout. A directory is the key prefix
 * {@code <path>/}.
 */
final class Keys {
  private final String root;

  Keys(String rootPrefix) {
    this.root = rootPrefix.isEmpty() ? "" : rootPrefix + "/";
  }

  /**
   * Checks a storage path as {@code Storage} defines it: relative, {@code /}-separated, no empty,
   * {@code .} or {@code ..} segments (the same rule as the core's {@code PathSyntax}, which is not
   * public).
   */
  static String check(String path) {
    if (path == null) {
      throw new IllegalArgumentException("null storage path");
    }
    if (path.isEmpty()) {
      return path;
    }
    if (path.startsWith("/") || path.endsWith("/") || path.contains("//") || path.contains("\\")
        || path.contains("\0")) {
      throw new IllegalArgumentException("bad storage path \"" + path + "\"");
    }
    for (String segment : path.split("/")) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("bad storage path \"" + path + "\"");
      }
    }
    return path;
  }

  /** The key of the object at {@code path}. */
  String object(String path) {
    check(path);
    return root + path;
  }

  /** The key of an object to be written; the root is no object. */
  String writable(String path) {
    if (check(path).isEmpty()) {
      throw new IllegalArgumentException("cannot write the storage root");
    }
    return root + path;
  }

  /** The key prefix of everything under the directory {@code path}. */
  String directory(String path) {
    check(path);
    return path.isEmpty() ? root : root + path + "/";
  }

  /** The storage path of a key under the root. */
  String path(String key) {
    return key.substring(root.length());
  }

  /** The prefix every key of this storage starts with ({@code ""} for the whole bucket). */
  String root() {
    return root;
  }
}
