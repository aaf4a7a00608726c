package dev.berth.registry.auth.basic;

import dev.berth.registry.auth.AuthConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;

/**
 * Writes htpasswd files the way {@code htpasswd -B} does ({@code user:$2y$05$...}), for users given
 * in code: an embedded registry's {@code .user("alice", "secret")} and tests. The file is then
 * read back by {@link HtpasswdStore} like any other, so users in code and users in a file behave
 * the same.
 */
public final class HtpasswdWriter {
  private HtpasswdWriter() {}

  /** {@code htpasswd -B}'s default cost: cheap enough for tests, and what operators' files hold. */
  public static final int DEFAULT_COST = 5;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** One line, {@code user:hash}, for {@code password} hashed with bcrypt at {@code cost}. */
  public static String line(String user, String password, int cost) {
    if (user.isEmpty() || user.contains(":") || user.length() > HtpasswdFile.MAX_USER_LENGTH
        || user.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new AuthConfigException("not a user name an htpasswd file can hold: it must be 1 to "
          + HtpasswdFile.MAX_USER_LENGTH + " characters, without ':' or control characters");
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > BcryptHash.MAX_PASSWORD_BYTES) {
      throw new AuthConfigException("bcrypt reads at most " + BcryptHash.MAX_PASSWORD_BYTES
          + " bytes of a password; user " + user + "'s is longer");
    }
    return user + ":" + BcryptHash.of(password, cost, RANDOM).text();
  }

  /** Writes {@code users} (name to password) to {@code file}, readable by its owner only. */
  public static Path write(Path file, Map<String, String> users) {
    StringBuilder text = new StringBuilder();
    users.forEach((user, password) -> text.append(line(user, password, DEFAULT_COST))
        .append('\n'));
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions
            .fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the temporary folder is the user's own already.
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
