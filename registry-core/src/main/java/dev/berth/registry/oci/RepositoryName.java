package dev.berth.registry.oci;

import java.util.regex.Pattern;

/**
 * A repository name, valid by construction against the distribution-spec grammar
 * {@code [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*}, at most 255
 * characters (the limit clients apply to {@code host/name}).
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {

  public static final int MAX_LENGTH = 255;

  private static final String COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
  private static final Pattern GRAMMAR = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");

  public RepositoryName {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH
        || !GRAMMAR.matcher(value).matches()) {
      throw new RegistryException(ErrorCode.NAME_INVALID, "invalid repository name "
          + Strings.quote(value) + ": must match the distribution-spec name grammar"
          + " (lower-case components separated by '/', at most " + MAX_LENGTH + " characters)");
    }
  }

  public static RepositoryName parse(String value) {
    return new RepositoryName(value);
  }

  public static boolean isValid(String value) {
    return value != null && !value.isEmpty() && value.length() <= MAX_LENGTH
        && GRAMMAR.matcher(value).matches();
  }

  @Override
  public int compareTo(RepositoryName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
