package dev.berth.registry.auth.policy;

import java.util.regex.Pattern;

/**
 * A repository glob of a policy file, as zot reads them (doublestar): {@code *} matches within one
 * path segment, {@code **} as a whole segment matches any number of segments (zero included, so
 * {@code tmp/**} covers {@code tmp} itself and everything below), {@code ?} one character of a
 * segment. Character classes and {@code {a,b}} alternatives are refused rather than guessed at.
 */
final class RepositoryPattern {

  private final String text;
  private final Pattern regex;

  private RepositoryPattern(String text, Pattern regex) {
    this.text = text;
    this.regex = regex;
  }

  /** Compiles {@code text}; throws {@link IllegalArgumentException} with the reason. */
  static RepositoryPattern compile(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("an empty pattern");
    }
    StringBuilder re = new StringBuilder();
    String[] segments = text.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      String seg = segments[i];
      boolean last = i == segments.length - 1;
      if (seg.equals("**")) {
        if (segments.length == 1) {
          re.append(".*");
        } else if (last) {
          // "a/**": a itself, or a/ followed by anything. The separator before was not written.
          re.append("(?:/.*)?");
        } else {
          re.append("(?:[^/]+/)*");
        }
        continue;
      }
      if (seg.contains("**")) {
        throw new IllegalArgumentException("** must be a whole path segment");
      }
      for (char c : seg.toCharArray()) {
        switch (c) {
          case '*' -> re.append("[^/]*");
          case '?' -> re.append("[^/]");
          case '[', ']', '{', '}', '\\' -> throw new IllegalArgumentException(
              "'" + c + "' is not supported in a pattern (only *, ** and ?)");
          default -> re.append(Pattern.quote(String.valueOf(c)));
        }
      }
      boolean nextIsTrailingStars = i == segments.length - 2 && segments[i + 1].equals("**");
      if (!last && !nextIsTrailingStars) {
        re.append('/');
      }
    }
    return new RepositoryPattern(text, Pattern.compile(re.toString()));
  }

  boolean matches(String repository) {
    return regex.matcher(repository).matches();
  }

  String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
