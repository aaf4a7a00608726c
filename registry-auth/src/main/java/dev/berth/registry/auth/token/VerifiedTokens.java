package dev.berth.registry.auth.token;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens that verified lately, keyed by the SHA-256 of their text: a hit needs the token
 * itself, and no token's text is kept. This lookup runs on every request of every authenticated
 * pull, so it is built for that: one digest from a per-thread {@link MessageDigest}, a key of four
 * longs, one {@link ConcurrentHashMap} read, times in epoch milliseconds (no allocation besides
 * the token's bytes and the key). Adding is the rare path: when the map is full, entries past
 * their time go first, then everything (a token that falls out is simply verified again).
 */
final class VerifiedTokens {

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  });

  /** The SHA-256 of a token's text. */
  record Key(long a, long b, long c, long d) {
    static Key of(String token) {
      MessageDigest sha = SHA256.get();
      // UTF-8 keeps every character distinct; for an ASCII token (base64url and dots) the JDK
      // copies the string's bytes as they are.
      ByteBuffer digest = ByteBuffer.wrap(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
      return new Key(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
    }
  }

  /**
   * One remembered token.
   *
   * @param rememberedUntil when the signature is checked again (epoch ms)
   * @param refusedAfter {@code exp} plus the leeway (epoch ms): later, the token is expired
   */
  record Entry(VerifiedToken token, long rememberedUntil, long refusedAfter) {}

  private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
  private final int capacity;
  private final long rememberMillis;
  private final long leewayMillis;

  VerifiedTokens(int capacity, Duration remember, Duration leeway) {
    this.capacity = capacity;
    this.rememberMillis = remember.toMillis();
    this.leewayMillis = leeway.toMillis();
  }

  /** The entry for {@code key} if it is still remembered at {@code now}; else none. */
  Entry get(Key key, long now) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (now >= entry.rememberedUntil()) {
      entries.remove(key, entry);
      return null;
    }
    return entry;
  }

  /** Forgets {@code key} (its token expired). */
  void remove(Key key) {
    entries.remove(key);
  }

  /** Remembers a token that verified at {@code now}. */
  void put(Key key, VerifiedToken token, long now) {
    if (entries.size() >= capacity) {
      entries.values().removeIf(e -> now >= e.rememberedUntil() || now > e.refusedAfter());
      if (entries.size() >= capacity) {
        entries.clear();
      }
    }
    entries.put(key, new Entry(token, now + rememberMillis,
        token.expiresAt().toEpochMilli() + leewayMillis));
  }

  int size() {
    return entries.size();
  }
}
