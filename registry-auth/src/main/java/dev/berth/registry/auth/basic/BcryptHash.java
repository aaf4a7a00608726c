package dev.berth.registry.auth.basic;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * A bcrypt hash as {@code htpasswd -B} writes it, {@code $2y$05$} followed by 53 characters of
 * bcrypt's base64 (22 of salt, 31 of hash); {@code $2a$} and {@code $2b$} (other tools, Go's
 * bcrypt) are the same algorithm. {@code $2x$} (the flawed pre-2011 PHP variant) is refused.
 * Valid by construction; {@link #toString} never shows the hash.
 */
final class BcryptHash {

  /** bcrypt reads at most 72 bytes of a password; Go's bcrypt refuses longer ones, and so do we. */
  static final int MAX_PASSWORD_BYTES = 72;

  private static final Pattern FORM =
      Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

  private final String hash;
  private final int cost;

  private BcryptHash(String hash, int cost) {
    this.hash = hash;
    this.cost = cost;
  }

  /** The hash, or empty if {@code text} is not a bcrypt hash we accept. */
  static Optional<BcryptHash> parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    int cost = Integer.parseInt(m.group(1));
    if (cost < 4 || cost > 31) {
      return Optional.empty();
    }
    return Optional.of(new BcryptHash(text, cost));
  }

  /**
   * A hash of a random password at {@code cost}: checking any password against it takes as long
   * as against a real user's hash of that cost, and never succeeds.
   */
  static BcryptHash dummy(int cost, SecureRandom random) {
    byte[] secret = new byte[24];
    random.nextBytes(secret);
    String password = Base64.getEncoder().encodeToString(secret);
    return new BcryptHash(BCrypt.hashpw(password, BCrypt.gensalt("$2y", cost, random)), cost);
  }

  /** A new {@code $2y$} hash of {@code password} at {@code cost}, as {@code htpasswd -B} writes. */
  static BcryptHash of(String password, int cost, SecureRandom random) {
    return new BcryptHash(BCrypt.hashpw(password, BCrypt.gensalt("$2y", cost, random)), cost);
  }

  /** Whether {@code password} matches; bcrypt's final comparison is constant-time. */
  boolean matches(String password) {
    try {
      return BCrypt.checkpw(password, hash);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  int cost() {
    return cost;
  }

  /** What a cached verification is tied to: the hash text itself (changes with the password). */
  String text() {
    return hash;
  }

  @Override
  public String toString() {
    return "bcrypt(cost " + cost + ")";
  }
}
