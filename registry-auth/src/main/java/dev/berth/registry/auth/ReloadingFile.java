package dev.berth.registry.auth;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A configuration file parsed once and parsed again when it changes, so that an operator edits
 * users or policies without a restart. The check is cheap and rate-limited: at most once per
 * {@code checkEvery} (one second by default), compare size, modification time and file key
 * (inode: an editor or {@code htpasswd} that replaces the file gives a new one).
 *
 * <p>A file that becomes unreadable or invalid fails closed: {@link #current()} throws until the
 * file is fixed, rather than serving the previous version (which might still hold a user the
 * operator meant to remove). Thread-safe.
 *
 * @param <T> the parsed form
 */
public final class ReloadingFile<T> {

  /** Refuse absurd files instead of reading them into memory. */
  static final long MAX_BYTES = 16L << 20;

  private final Path path;
  private final BiFunction<String, String, T> parser;
  private final Clock clock;
  private final long checkEveryMillis;

  private long nextCheckMillis;
  private Stamp stamp;
  private T value;
  private AuthConfigException failure;

  private ReloadingFile(Path path, BiFunction<String, String, T> parser, Clock clock,
      Duration checkEvery) {
    this.path = Objects.requireNonNull(path, "path");
    this.parser = parser;
    this.clock = clock;
    this.checkEveryMillis = checkEvery.toMillis();
  }

  /**
   * Reads and parses {@code path} now; throws {@link AuthConfigException} if it cannot.
   *
   * @param parser from the file's text and a name for messages (the path) to the parsed form;
   *     throws {@link AuthConfigException} on bad content
   */
  public static <T> ReloadingFile<T> open(Path path, BiFunction<String, String, T> parser,
      Clock clock, Duration checkEvery) {
    ReloadingFile<T> file = new ReloadingFile<>(path, parser, clock, checkEvery);
    synchronized (file) {
      file.reload();
      if (file.failure != null) {
        throw file.failure;
      }
    }
    return file;
  }

  /** The parsed content, re-read first if the file changed since the last check. */
  public synchronized T current() {
    long now = clock.millis();
    if (now >= nextCheckMillis) {
      nextCheckMillis = now + checkEveryMillis;
      Stamp seen = stampOrNull();
      if (seen == null || !seen.equals(stamp)) {
        reload();
      }
    }
    if (failure != null) {
      throw failure;
    }
    return value;
  }

  public Path path() {
    return path;
  }

  private void reload() {
    Stamp before = stampOrNull();
    try {
      if (before == null) {
        throw new AuthConfigException(path + ": cannot read the file (missing or not a file)");
      }
      if (before.size > MAX_BYTES) {
        throw new AuthConfigException(path + ": larger than " + MAX_BYTES + " bytes");
      }
      String text = decode(Files.readAllBytes(path));
      T parsed = parser.apply(text, path.toString());
      value = Objects.requireNonNull(parsed, "parser result");
      failure = null;
    } catch (IOException e) {
      fail(new AuthConfigException(path + ": cannot read the file: " + e.getMessage(), e));
    } catch (AuthConfigException e) {
      fail(e);
    }
    // A file rewritten while it was read gets read again at the next check.
    Stamp after = stampOrNull();
    stamp = before != null && before.equals(after) ? before : null;
  }

  private void fail(AuthConfigException e) {
    failure = e;
    value = null;
  }

  private String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new AuthConfigException(path + ": not UTF-8 text");
    }
  }

  private Stamp stampOrNull() {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        return null;
      }
      return new Stamp(a.size(), a.lastModifiedTime(), a.fileKey());
    } catch (IOException e) {
      return null;
    }
  }

  private record Stamp(long size, FileTime modified, Object fileKey) {}
}
