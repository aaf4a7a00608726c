package dev.berth.registry.storage;

/** Checks storage paths: relative, {@code /}-separated, no empty, {@code .} or {@code ..} segments. */
final class PathSyntax {
  private PathSyntax() {}

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

  static String child(String directory, String name) {
    return directory.isEmpty() ? name : directory + "/" + name;
  }

  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? "" : path.substring(0, slash);
  }
}
