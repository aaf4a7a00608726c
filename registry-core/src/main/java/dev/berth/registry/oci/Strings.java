package dev.berth.registry.oci;

/** Small helpers for messages. */
public final class Strings {
  private Strings() {}

  /** Quotes a user-supplied value for an error message, cut to a readable length. */
  public static String quote(String value) {
    if (value == null) {
      return "(none)";
    }
    String shown = value.length() > 300 ? value.substring(0, 300) + "..." : value;
    return '"' + shown + '"';
  }
}
