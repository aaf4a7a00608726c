package dev.berth.registry.auth.basic;

/**
 * Names the kind of a refused htpasswd hash, so the error tells the operator what to change
 * without printing the hash.
 */
final class HashKinds {

  private HashKinds() {}

  static String describe(String hash) {
    if (hash.startsWith("$apr1$")) {
      return "an Apache MD5 ($apr1$) hash (htpasswd -m, its old default)";
    }
    if (hash.startsWith("{SHA}")) {
      return "a SHA-1 ({SHA}) hash (htpasswd -s)";
    }
    if (hash.startsWith("$2x$")) {
      return "a $2x$ bcrypt hash (the flawed pre-2011 variant)";
    }
    if (hash.startsWith("$2")) {
      return "a malformed bcrypt hash";
    }
    if (hash.startsWith("$1$")) {
      return "an MD5-crypt ($1$) hash";
    }
    if (hash.startsWith("$5$") || hash.startsWith("$6$")) {
      return "a SHA-crypt (" + hash.substring(0, 3) + ") hash (htpasswd -2 / -5)";
    }
    if (hash.matches("[./0-9A-Za-z]{13}")) {
      return "a DES crypt hash (htpasswd -d) or a 13-character plain-text password";
    }
    return "a plain-text password (htpasswd -p) or an unknown hash kind";
  }
}
