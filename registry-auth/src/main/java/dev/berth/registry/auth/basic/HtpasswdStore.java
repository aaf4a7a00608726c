package dev.berth.registry.auth.basic;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.io.BaseEncoding;
import dev.berth.registry.auth.AuthConfigException;
import dev.berth.registry.auth.ReloadingFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The users of an htpasswd file, checked by password.
 *
 * <ul>
 *   <li>The file is re-read when it changes ({@link ReloadingFile}: at most once a second).
 *   <li>An unknown user costs one bcrypt check against a dummy hash of the file's commonest cost,
 *       like a wrong password: timing does not tell which users exist.
 *   <li>A successful check is remembered for {@code cacheFor} (bounded to {@code cacheEntries}),
 *       so clients that send Basic credentials on every request do not pay bcrypt each time. The
 *       cache key is an HMAC of user and password under a random key made per process: a hit
 *       needs the password to recompute the key, and the cache never holds the password. An
 *       entry also names the hash it was verified against and counts only while the file still
 *       holds exactly that hash; the whole cache is dropped when the file changes.
 *   <li>Passwords longer than bcrypt's 72 bytes and over-long user names are refused without
 *       hashing (Go's bcrypt, which distribution uses, refuses them too).
 * </ul>
 */
public final class HtpasswdStore {

  public static final Duration DEFAULT_CACHE_FOR = Duration.ofMinutes(1);
  public static final int DEFAULT_CACHE_ENTRIES = 1024;

  private final ReloadingFile<HtpasswdFile> file;
  private final Cache<ByteBuffer, Verified> verified;
  private final SecretKeySpec cacheKey;
  private HtpasswdFile cachedFor;
  private final AtomicLong bcryptChecks = new AtomicLong();

  private record Verified(String user, String hash) {}

  private HtpasswdStore(ReloadingFile<HtpasswdFile> file, Clock clock, Duration cacheFor,
      int cacheEntries, SecureRandom random) {
    this.file = file;
    Ticker ticker = new Ticker() {
      @Override
      public long read() {
        return clock.millis() * 1_000_000L;
      }
    };
    this.verified = CacheBuilder.newBuilder().maximumSize(cacheEntries)
        .expireAfterWrite(cacheFor).ticker(ticker).build();
    byte[] key = new byte[32];
    random.nextBytes(key);
    this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
  }

  /** Reads {@code path} now (throws {@link AuthConfigException} if unusable), with defaults. */
  public static HtpasswdStore open(Path path, Clock clock) {
    return open(path, clock, DEFAULT_CACHE_FOR, DEFAULT_CACHE_ENTRIES);
  }

  public static HtpasswdStore open(Path path, Clock clock, Duration cacheFor, int cacheEntries) {
    SecureRandom random = new SecureRandom();
    ReloadingFile<HtpasswdFile> file = ReloadingFile.open(path,
        (text, source) -> HtpasswdFile.parse(text, source, random), clock, Duration.ofSeconds(1));
    return new HtpasswdStore(file, clock, cacheFor, cacheEntries, random);
  }

  /**
   * The user name if {@code password} is right for {@code user}, else empty.
   *
   * @throws AuthConfigException if the file has become unreadable or invalid (fail closed)
   */
  public Optional<String> verify(String user, String password) {
    HtpasswdFile users = current();
    if (user.isEmpty() || user.length() > HtpasswdFile.MAX_USER_LENGTH
        || password.getBytes(StandardCharsets.UTF_8).length > BcryptHash.MAX_PASSWORD_BYTES) {
      return Optional.empty();
    }
    ByteBuffer key = cacheKey(user, password);
    Optional<BcryptHash> hash = users.hash(user);
    Verified hit = verified.getIfPresent(key);
    if (hit != null && hash.isPresent() && hit.user.equals(user)
        && MessageDigest.isEqual(bytes(hit.hash), bytes(hash.get().text()))) {
      return Optional.of(user);
    }
    bcryptChecks.incrementAndGet();
    boolean ok = hash.orElseGet(users::dummy).matches(password) && hash.isPresent();
    if (!ok) {
      return Optional.empty();
    }
    verified.put(key, new Verified(user, hash.get().text()));
    return Optional.of(user);
  }

  /** Whether the file (as now) lists {@code user}. */
  public boolean contains(String user) {
    return current().hash(user).isPresent();
  }

  /**
   * A short fingerprint of {@code user}'s current hash: a refresh token carries it, so changing
   * the password revokes the user's refresh tokens. The hash is salted and slow, so its SHA-256
   * tells nothing usable about the password.
   */
  public Optional<String> passwordVersion(String user) {
    return current().hash(user).map(h -> {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes(h.text()));
        return BaseEncoding.base64Url().omitPadding().encode(digest, 0, 12);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** How many bcrypt checks ran: tests see the cache work without timing it. */
  long bcryptChecks() {
    return bcryptChecks.get();
  }

  /** How many users the file lists now. */
  public int size() {
    return current().size();
  }

  private synchronized HtpasswdFile current() {
    HtpasswdFile now = file.current();
    if (now != cachedFor) {
      verified.invalidateAll();
      cachedFor = now;
    }
    return now;
  }

  private ByteBuffer cacheKey(String user, String password) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(cacheKey);
      byte[] u = bytes(user);
      mac.update(ByteBuffer.allocate(4).putInt(u.length).array());
      mac.update(u);
      mac.update(bytes(password));
      return ByteBuffer.wrap(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "HtpasswdStore[" + file.path() + "]";
  }
}
