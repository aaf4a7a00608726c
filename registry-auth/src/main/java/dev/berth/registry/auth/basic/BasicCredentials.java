package dev.berth.registry.auth.basic;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * HTTP Basic credentials (RFC 7617): {@code Basic base64(user ":" password)}. The user ends at the
 * first colon; the password may hold colons. {@link #toString} hides the password, and no
 * message of this class repeats what the client sent.
 */
public final class BasicCredentials {

  /** A header longer than this is refused before decoding: no real credentials need more. */
  public static final int MAX_HEADER_LENGTH = 4096;

  private final String user;
  private final String password;

  private BasicCredentials(String user, String password) {
    this.user = user;
    this.password = password;
  }

  public static BasicCredentials of(String user, String password) {
    return new BasicCredentials(user, password);
  }

  /** Malformed credentials; the message is fixed text that never echoes them. */
  public static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  /**
   * Reads an {@code Authorization} header value.
   *
   * @return empty when the scheme is not Basic (another authenticator's business)
   * @throws MalformedException when it is Basic but too long, not base64, not UTF-8, without a
   *     colon, or with control characters in the user name
   */
  public static Optional<BasicCredentials> parse(String header) throws MalformedException {
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    if (!scheme.equalsIgnoreCase("Basic")) {
      return Optional.empty();
    }
    if (header.length() > MAX_HEADER_LENGTH) {
      throw new MalformedException("Basic credentials longer than " + MAX_HEADER_LENGTH
          + " characters");
    }
    String encoded = space < 0 ? "" : header.substring(space + 1).strip();
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new MalformedException("Basic credentials are not base64");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedException("Basic credentials are not UTF-8");
    }
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new MalformedException("Basic credentials without a colon between user and password");
    }
    String user = text.substring(0, colon);
    if (user.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new MalformedException("Basic credentials with control characters in the user name");
    }
    return Optional.of(new BasicCredentials(user, text.substring(colon + 1)));
  }

  /** The header value for these credentials (for clients and tests). */
  public String toHeader() {
    return "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  @Override
  public String toString() {
    return "BasicCredentials[user=" + user + ", password=<hidden>]";
  }
}
