package dev.berth.registry.storage;

/**
 * The one rule for storage paths: relative, {@code /}-separated, no empty, {@code .} or {@code ..}
 * segments, no backslash or NUL. Every {@link Storage} implementation checks paths with it.
 */
public final class PathSyntax {
  private PathSyntax() {}

  /**
   * @return {@code path}
   * @throws IllegalArgumentException when it breaks the rule
   */
  public static String check(String path) {
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

  static String child(String directory, String name) {
    return directory.isEmpty() ? name : directory + "/" + name;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
