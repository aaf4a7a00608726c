package dev.berth.registry.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A content digest {@code algorithm:encoded}, valid by construction.
 *
 * <p>The grammar is the image-spec's ({@code [a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+}); the
 * registered algorithms are checked strictly ({@code sha256}: 64 lower-case hex, {@code sha512}: 128).
 * Other algorithms that fit the grammar parse, as the spec asks, but {@link #isVerifiable()} is false
 * for them and content cannot be uploaded under them.
 */
public record Digest(String algorithm, String encoded) implements Reference, Comparable<Digest> {

  public static final String SHA256 = "sha256";
  public static final String SHA512 = "sha512";

  private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
  private static final Pattern ENCODED = Pattern.compile("[a-zA-Z0-9=_-]+");

  /** The digest of the empty JSON object {@code {}}, the OCI empty descriptor's blob. */
  public static final Digest EMPTY_JSON = parse(
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");

  public Digest {
    if (algorithm == null || encoded == null) {
      throw invalid(algorithm + ":" + encoded);
    }
    boolean registered = algorithm.equals(SHA256) || algorithm.equals(SHA512);
    if (registered) {
      // The constant, not the substring a parse cut out: digests are kept by the hundred
      // thousand (loaded referrers), and each copy of "sha256" costs 48 bytes.
      algorithm = algorithm.equals(SHA256) ? SHA256 : SHA512;
    }
    if (!registered && (!ALGORITHM.matcher(algorithm).matches()
        || !ENCODED.matcher(encoded).matches())) {
      throw invalid(algorithm + ":" + encoded);
    }
    if (registered && !isLowerHex(encoded, algorithm.equals(SHA256) ? 64 : 128)) {
      throw new RegistryException(ErrorCode.DIGEST_INVALID, "invalid digest "
          + Strings.quote(algorithm + ":" + encoded) + ": " + algorithm + " needs "
          + (algorithm.equals(SHA256) ? 64 : 128) + " lower-case hex characters");
    }
  }

  /** The registered algorithms' check, without a regular expression: it runs for every digest. */
  private static boolean isLowerHex(String s, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  /** Parses {@code algorithm:encoded}, or returns null where {@link #parse} would throw. */
  public static Digest tryParse(String value) {
    if (value == null) {
      return null;
    }
    int colon = value.indexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      return null;
    }
    String algorithm = value.substring(0, colon);
    String encoded = value.substring(colon + 1);
    if (algorithm.equals(SHA256) ? !isLowerHex(encoded, 64)
        : algorithm.equals(SHA512) ? !isLowerHex(encoded, 128)
        : !ALGORITHM.matcher(algorithm).matches() || !ENCODED.matcher(encoded).matches()) {
      return null;
    }
    return new Digest(algorithm, encoded);
  }

  /**
   * Parses {@code algorithm:encoded}.
   *
   * @throws RegistryException {@code DIGEST_INVALID} when the value does not fit the grammar
   */
  public static Digest parse(String value) {
    if (value == null) {
      throw invalid(null);
    }
    int colon = value.indexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw invalid(value);
    }
    return new Digest(value.substring(0, colon), value.substring(colon + 1));
  }

  public static boolean isValid(String value) {
    return tryParse(value) != null;
  }

  /** The digest of {@code bytes} under {@code algorithm} ({@code sha256} or {@code sha512}). */
  public static Digest of(String algorithm, byte[] bytes) {
    MessageDigest md = newMessageDigest(algorithm);
    return fromHash(algorithm, md.digest(bytes));
  }

  /** The sha256 digest of {@code bytes}. */
  public static Digest sha256(byte[] bytes) {
    return of(SHA256, bytes);
  }

  /** Builds a digest from a finished hash. */
  public static Digest fromHash(String algorithm, byte[] hash) {
    return new Digest(algorithm, HexFormat.of().formatHex(hash));
  }

  /** A fresh {@link MessageDigest} for a verifiable algorithm. */
  public static MessageDigest newMessageDigest(String algorithm) {
    String jca = switch (algorithm) {
      case SHA256 -> "SHA-256";
      case SHA512 -> "SHA-512";
      default -> throw new RegistryException(ErrorCode.DIGEST_INVALID,
          "unsupported digest algorithm " + Strings.quote(algorithm) + ": use sha256 or sha512");
    };
    try {
      return MessageDigest.getInstance(jca);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(jca + " is missing from this JDK", e);
    }
  }

  /** Whether Berth can compute this algorithm and so verify content against it. */
  public boolean isVerifiable() {
    return algorithm.equals(SHA256) || algorithm.equals(SHA512);
  }

  /** The fallback tag of the referrers tag schema, {@code <alg>-<encoded>} (distribution-spec 1.1). */
  public String fallbackTag() {
    String alg = algorithm.length() > 32 ? algorithm.substring(0, 32) : algorithm;
    String enc = encoded.length() > 64 ? encoded.substring(0, 64) : encoded;
    return (alg + "-" + enc).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
  }

  @Override
  public int compareTo(Digest other) {
    int byAlgorithm = algorithm.compareTo(other.algorithm);
    return byAlgorithm != 0 ? byAlgorithm : encoded.compareTo(other.encoded);
  }

  @Override
  public String toString() {
    return algorithm + ":" + encoded;
  }

  private static RegistryException invalid(String value) {
    return new RegistryException(ErrorCode.DIGEST_INVALID, "invalid digest " + Strings.quote(value)
        + ": expected <algorithm>:<encoded>, e.g. sha256:<64 hex characters>");
  }
}
