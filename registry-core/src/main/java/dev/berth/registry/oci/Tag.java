package dev.berth.registry.oci;

import java.util.regex.Pattern;

/** A tag, valid by construction: {@code [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}}. */
public record Tag(String value) implements Reference, Comparable<Tag> {

  private static final Pattern GRAMMAR = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

  public Tag {
    if (value == null || !GRAMMAR.matcher(value).matches()) {
      throw new RegistryException(ErrorCode.TAG_INVALID,
          "invalid tag " + Strings.quote(value) + ": must match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    }
  }

  public static Tag parse(String value) {
    return new Tag(value);
  }

  public static boolean isValid(String value) {
    return value != null && GRAMMAR.matcher(value).matches();
  }

  @Override
  public int compareTo(Tag other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
