package dev.berth.registry.auth.basic;

import dev.berth.registry.auth.AuthConfigException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import com.google.common.base.Suppliers;

/**
 * The users of one htpasswd file: {@code user:hash} lines, blank lines and {@code #} comments
 * skipped, surrounding spaces trimmed (as distribution reads it). Only bcrypt hashes are
 * accepted; a line with any other kind, a malformed line or a user named twice is refused with its
 * line number, never with its content (a hash is a secret too).
 */
final class HtpasswdFile {

  /** A longer user name is refused at load and at login (RFC 7617 sets no limit; we do). */
  static final int MAX_USER_LENGTH = 256;

  private final Map<String, BcryptHash> users;
  private final Supplier<BcryptHash> dummy;

  private HtpasswdFile(Map<String, BcryptHash> users, int dummyCost, SecureRandom random) {
    this.users = Map.copyOf(users);
    // Made on first need: a file of cost-12 hashes would otherwise pay 250 ms at every reload.
    this.dummy = Suppliers.memoize(() -> BcryptHash.dummy(dummyCost, random));
  }

  static HtpasswdFile parse(String text, String source, SecureRandom random) {
    Map<String, BcryptHash> users = new HashMap<>();
    Map<Integer, Integer> costs = new TreeMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "htpasswd file " + source + " line " + (i + 1) + ": ";
      int colon = line.indexOf(':');
      if (colon <= 0 || colon == line.length() - 1) {
        throw new AuthConfigException(where + "expected user:hash");
      }
      String user = line.substring(0, colon);
      String hash = line.substring(colon + 1);
      if (user.length() > MAX_USER_LENGTH || user.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new AuthConfigException(where + "user name too long or with control characters");
      }
      BcryptHash parsed = BcryptHash.parse(hash).orElseThrow(() -> new AuthConfigException(where
          + "only bcrypt hashes are accepted (create them with htpasswd -B); this line has "
          + HashKinds.describe(hash)));
      if (users.putIfAbsent(user, parsed) != null) {
        throw new AuthConfigException(where + "this user is already listed on an earlier line");
      }
      costs.merge(parsed.cost(), 1, Integer::sum);
    }
    return new HtpasswdFile(users, commonestCost(costs), random);
  }

  /** The cost most users have (ties: the higher), so an unknown user takes a typical time. */
  private static int commonestCost(Map<Integer, Integer> costs) {
    int best = 5;
    int count = 0;
    for (Map.Entry<Integer, Integer> e : costs.entrySet()) {
      if (e.getValue() >= count) {
        best = e.getKey();
        count = e.getValue();
      }
    }
    return best;
  }

  Optional<BcryptHash> hash(String user) {
    return Optional.ofNullable(users.get(user));
  }

  /** A hash that matches nothing, at the commonest cost: checked for unknown users. */
  BcryptHash dummy() {
    return dummy.get();
  }

  int size() {
    return users.size();
  }
}
