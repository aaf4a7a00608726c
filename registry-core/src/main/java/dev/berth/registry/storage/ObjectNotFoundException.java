package dev.berth.registry.storage;

/** A storage path names no object. Typed so that callers tell "absent" from "broken". */
public class ObjectNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String path;

  public ObjectNotFoundException(String path) {
    super("no object at " + path);
    this.path = path;
  }

  public String path() {
    return path;
  }
}
