package dev.berth.registry.auth;

import java.util.List;

/**
 * {@code WWW-Authenticate} values exactly as distribution writes them: parameters joined by a
 * comma without spaces, values quoted, e.g.
 * <pre>{@code
 * Bearer realm="https://auth.example/token",service="registry.example",\
 *   scope="repository:a/b:pull,push",error="insufficient_scope"
 * }</pre>
 * (one line on the wire)
 * and {@code Basic realm="Berth"}. The challenge's {@code scope} carries no resource class
 * (distribution formats {@code type:name:actions}).
 */
public final class Challenges {

  private Challenges() {}

  /** A Bearer challenge; {@code scope} is left out when {@code needed} is empty. */
  public static String bearer(String realm, String service, List<Scope> needed,
      ChallengeError error) {
    StringBuilder out = new StringBuilder("Bearer realm=").append(quote(realm))
        .append(",service=").append(quote(service));
    if (!needed.isEmpty()) {
      StringBuilder scopes = new StringBuilder();
      for (Scope s : Scope.merge(needed)) {
        if (scopes.length() > 0) {
          scopes.append(' ');
        }
        scopes.append(s.type()).append(':').append(s.name()).append(':')
            .append(String.join(",", s.actions()));
      }
      out.append(",scope=").append(quote(scopes.toString()));
    }
    error.wireValue().ifPresent(e -> out.append(",error=").append(quote(e)));
    return out.toString();
  }

  /** A Basic challenge (RFC 7617). */
  public static String basic(String realm) {
    return "Basic realm=" + quote(realm);
  }

  /**
   * An RFC 9110 quoted-string: backslash before {@code "} and {@code \}. Control characters cannot
   * be sent in a header at all; configuration refuses them ({@link #requireHeaderSafe}).
   */
  public static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Refuses a configured realm or service that could not be sent in a header. */
  public static String requireHeaderSafe(String what, String value) {
    if (value == null || value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new AuthConfigException(what
          + " must be a non-empty string without control characters");
    }
    return value;
  }
}
